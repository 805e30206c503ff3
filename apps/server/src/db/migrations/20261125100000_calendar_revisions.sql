-- Availability keeps each practice's calendar in memory and checks that it is current with one
-- read of a counter per search. The counter moves on with every write to what availability
-- reads, inside the writing transaction: whoever sees a revision sees exactly the data it
-- stands for, in this process or any other.
CREATE SEQUENCE calendar_revision_seq;
CREATE TABLE calendar_revisions (
  practice_id uuid PRIMARY KEY REFERENCES practices (id),
  revision bigint NOT NULL,
  -- The transaction that last moved it: further writes of that transaction leave it alone.
  xact xid8 NOT NULL
);
ALTER TABLE calendar_revisions ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON calendar_revisions USING (practice_id = current_practice_id());
REVOKE INSERT, UPDATE, DELETE ON calendar_revisions FROM dentalpro_app;

-- Runs as the owner so that any writer (bound to its practice or not) can move the counter,
-- while dentalpro_app itself cannot write the table.
CREATE FUNCTION bump_calendar_revision() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  row_practice uuid;
BEGIN
  IF TG_TABLE_NAME = 'practices' THEN
    row_practice := NEW.id;
  ELSIF TG_OP = 'DELETE' THEN
    row_practice := OLD.practice_id;
  ELSE
    row_practice := NEW.practice_id;
  END IF;
  INSERT INTO calendar_revisions AS r (practice_id, revision, xact)
  VALUES (row_practice, nextval('calendar_revision_seq'), pg_current_xact_id())
  ON CONFLICT (practice_id) DO UPDATE SET revision = EXCLUDED.revision, xact = EXCLUDED.xact
    WHERE r.xact <> EXCLUDED.xact;
  RETURN NULL;
END
$$;

-- Deferred to commit: the counter's row is locked only while the writer commits, never while
-- it waits on anything else, so two writers of one practice cannot deadlock over it.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['memberships', 'chairs', 'providers', 'opening_hours', 'provider_hours', 'closures',
    'public_holidays', 'blocks', 'appointment_types']
  LOOP
    EXECUTE format('CREATE CONSTRAINT TRIGGER calendar_revision AFTER INSERT OR UPDATE OR DELETE ON %I '
      'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_calendar_revision()', t);
  END LOOP;
END
$$;

CREATE CONSTRAINT TRIGGER calendar_revision AFTER UPDATE ON practices DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN ((OLD.time_zone, OLD.slot_step_minutes) IS DISTINCT FROM (NEW.time_zone, NEW.slot_step_minutes))
  EXECUTE FUNCTION bump_calendar_revision();

CREATE CONSTRAINT TRIGGER calendar_revision_added AFTER INSERT OR DELETE ON appointments DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION bump_calendar_revision();
-- Notes, patient and type changes, and steps between active statuses (arrived, in chair,
-- completed) leave the calendar's busy time as it was.
CREATE CONSTRAINT TRIGGER calendar_revision_changed AFTER UPDATE ON appointments DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN ((OLD.occupied, OLD.provider_id, OLD.chair_id, OLD.overbook_reason IS NULL, OLD.hold_expires_at,
         OLD.status IN ('cancelled', 'no_show'), OLD.status = 'held')
        IS DISTINCT FROM
        (NEW.occupied, NEW.provider_id, NEW.chair_id, NEW.overbook_reason IS NULL, NEW.hold_expires_at,
         NEW.status IN ('cancelled', 'no_show'), NEW.status = 'held'))
  EXECUTE FUNCTION bump_calendar_revision();

-- What availability keeps of a practice for a stretch of time [p_from, p_to), with the revision
-- it stands for (one snapshot: the function is STABLE). Calendar settings come whole; busy time
-- is what overlaps the stretch. Holds come with their expiry: the reader drops expired ones.
-- Times are epoch milliseconds. Security invoker: row-level security applies to the caller.
DROP FUNCTION availability_inputs(uuid, uuid, timestamptz, timestamptz, timestamptz);
CREATE FUNCTION availability_calendar(p_practice uuid, p_from timestamptz, p_to timestamptz)
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
                       (extract(epoch FROM hold_expires_at) * 1000)::bigint)), '[]')
                     FROM appointments
                     WHERE practice_id = p_practice
                       AND status IN ('held', 'booked', 'confirmed', 'arrived', 'in_chair', 'completed')
                       -- No appointment occupies more than 14 hours: a bound the starts_at index can use.
                       AND starts_at > p_from - interval '14 hours' AND starts_at < p_to AND occupied_until > p_from)
  );
END
$$;
