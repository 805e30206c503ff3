-- Everything the availability engine needs for one search, in one round trip. As a PL/pgSQL
-- function its plan is prepared once per connection and reused: with row-level security on
-- every table, planning the dozen separate reads cost more than running them.
-- Security invoker: it runs as the caller (dentalpro_app), so row-level security applies.
-- Times come back as epoch milliseconds, rows as arrays: cheap to produce and to read.
CREATE FUNCTION availability_inputs(p_practice uuid, p_type uuid, p_from timestamptz, p_to timestamptz, p_now timestamptz)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
  reach_from timestamptz := p_from - interval '1 day';
  reach_to timestamptz := p_to + interval '1 day';
BEGIN
  RETURN json_build_object(
    'practice', (SELECT json_build_array(time_zone, slot_step_minutes) FROM practices WHERE id = p_practice),
    'type', (SELECT json_build_array(active, whatsapp_bookable, duration_minutes, buffer_after_minutes, min_notice_minutes, max_days_ahead, allowed_roles)
             FROM appointment_types WHERE practice_id = p_practice AND id = p_type),
    'opening', (SELECT coalesce(json_agg(json_build_array(weekday, start_minute, end_minute)), '[]') FROM opening_hours WHERE practice_id = p_practice),
    'holidays', (SELECT coalesce(json_agg(date), '[]') FROM public_holidays
                 WHERE practice_id = p_practice AND date BETWEEN (reach_from AT TIME ZONE 'UTC')::date AND (reach_to AT TIME ZONE 'UTC')::date),
    'closures', (SELECT coalesce(json_agg(json_build_array((extract(epoch FROM lower(period)) * 1000)::bigint, (extract(epoch FROM upper(period)) * 1000)::bigint)), '[]')
                 FROM closures WHERE practice_id = p_practice AND period && tstzrange(reach_from, reach_to)),
    'chairs', (SELECT coalesce(json_agg(id ORDER BY sort_order, name), '[]') FROM chairs WHERE practice_id = p_practice AND active),
    'providers', (SELECT coalesce(json_agg(json_build_array(p.user_id, m.role) ORDER BY p.display_name), '[]')
                  FROM providers p JOIN memberships m ON m.practice_id = p.practice_id AND m.user_id = p.user_id
                  WHERE p.practice_id = p_practice AND p.active),
    'hours', (SELECT coalesce(json_agg(json_build_array(provider_id, weekday, start_minute, end_minute, chair_id, valid_from, valid_to)), '[]')
              FROM provider_hours WHERE practice_id = p_practice),
    'appointments', (SELECT coalesce(json_agg(json_build_array(provider_id, chair_id, overbook_reason IS NOT NULL, (extract(epoch FROM starts_at) * 1000)::bigint, (extract(epoch FROM occupied_until) * 1000)::bigint)), '[]')
                     FROM appointments
                     WHERE practice_id = p_practice
                       AND status IN ('held', 'booked', 'confirmed', 'arrived', 'in_chair', 'completed')
                       AND (status <> 'held' OR hold_expires_at > p_now)
                       -- No appointment occupies more than 14 hours: a bound the starts_at index can use.
                       AND starts_at > reach_from - interval '14 hours' AND starts_at < reach_to AND occupied_until > reach_from),
    'blocks', (SELECT coalesce(json_agg(json_build_array(provider_id, chair_id, (extract(epoch FROM lower(period)) * 1000)::bigint, (extract(epoch FROM upper(period)) * 1000)::bigint)), '[]')
               FROM blocks WHERE practice_id = p_practice AND period && tstzrange(reach_from, reach_to))
  );
END
$$;
