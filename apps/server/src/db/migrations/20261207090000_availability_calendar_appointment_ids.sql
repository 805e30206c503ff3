-- A search for times to move an appointment to leaves that appointment out of busy time, so the
-- calendar's appointments now carry their id. Holds carry null: a hold is never moved, and the
-- cached calendar stays smaller. Arrived, in-chair and completed ones keep theirs: those steps do
-- not move the revision, so a calendar cached while one was arrived must still know its id once it
-- steps back to confirmed. Otherwise as 20261125100000_calendar_revisions.sql defined it.
CREATE OR REPLACE FUNCTION availability_calendar(p_practice uuid, p_from timestamptz, p_to timestamptz)
RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN json_build_object(
    'revision', coalesce((SELECT revision FROM calendar_revisions WHERE practice_id = p_practice), 0),
    'practice', (SELECT json_build_array(time_zone, slot_step_minutes) FROM practices WHERE id = p_practice),
    'types', (SELECT coalesce(json_agg(json_build_array(id, active, whatsapp_bookable, duration_minutes, buffer_after_minutes, min_notice_minutes, max_days_ahead, allowed_roles)), '[]')
              FROM appointment_types WHERE practice_id = p_practice),
    'opening', (SELECT coalesce(json_agg(json_build_array(weekday, start_minute, end_minute)), '[]') FROM opening_hours WHERE practice_id = p_practice),
    'chairs', (SELECT coalesce(json_agg(id ORDER BY sort_order, name), '[]') FROM chairs WHERE practice_id = p_practice AND active),
    'providers', (SELECT coalesce(json_agg(json_build_array(p.user_id, m.role) ORDER BY p.display_name), '[]')
                  FROM providers p JOIN memberships m ON m.practice_id = p.practice_id AND m.user_id = p.user_id
                  WHERE p.practice_id = p_practice AND p.active),
    'hours', (SELECT coalesce(json_agg(json_build_array(provider_id, weekday, start_minute, end_minute, chair_id, valid_from, valid_to)), '[]')
              FROM provider_hours WHERE practice_id = p_practice),
    'holidays', (SELECT coalesce(json_agg(date), '[]') FROM public_holidays
                 WHERE practice_id = p_practice AND date BETWEEN (p_from AT TIME ZONE 'UTC')::date - 1 AND (p_to AT TIME ZONE 'UTC')::date + 1),
    'closures', (SELECT coalesce(json_agg(json_build_array((extract(epoch FROM lower(period)) * 1000)::bigint, (extract(epoch FROM upper(period)) * 1000)::bigint)), '[]')
                 FROM closures WHERE practice_id = p_practice AND period && tstzrange(p_from, p_to)),
    'blocks', (SELECT coalesce(json_agg(json_build_array(provider_id, chair_id, (extract(epoch FROM lower(period)) * 1000)::bigint, (extract(epoch FROM upper(period)) * 1000)::bigint)), '[]')
               FROM blocks WHERE practice_id = p_practice AND period && tstzrange(p_from, p_to)),
    'appointments', (SELECT coalesce(json_agg(json_build_array(provider_id, chair_id, overbook_reason IS NOT NULL,
                       (extract(epoch FROM starts_at) * 1000)::bigint, (extract(epoch FROM occupied_until) * 1000)::bigint,
                       (extract(epoch FROM hold_expires_at) * 1000)::bigint,
                       CASE WHEN status <> 'held' THEN id END)), '[]')
                     FROM appointments
                     WHERE practice_id = p_practice
                       AND status IN ('held', 'booked', 'confirmed', 'arrived', 'in_chair', 'completed')
                       -- No appointment occupies more than 14 hours: a bound the starts_at index can use.
                       AND starts_at > p_from - interval '14 hours' AND starts_at < p_to AND occupied_until > p_from)
  );
END
$$;
