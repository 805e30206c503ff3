-- The audit trail's end (issue 14): events are kept 11 years (the practice may keep them longer),
-- then the retention job removes the oldest whole stretch of the chain, never an event from its
-- middle. Each purge leaves a checkpoint: the last removed event's sequence number and hash, which
-- the next event's link points to, so `audit verify` starts from it instead of the first event.
-- The purge also records the checkpoint as an event of the chain (audit.trail_purged, written by
-- the application after this function), so a checkpoint moved by hand to hide removed events is
-- found. The application role cannot write checkpoints nor delete events: only
-- purge_audit_events (SECURITY DEFINER) does, and it refuses while any legal hold is in force.

CREATE TABLE audit_checkpoints (
  practice_id uuid NOT NULL REFERENCES practices (id),
  -- The last event removed, and its hash (the next event's prev_hash).
  through_seq bigint NOT NULL CHECK (through_seq > 0),
  through_hash bytea NOT NULL,
  through_occurred_at timestamptz NOT NULL,
  -- The cut-off asked for, and how many events went.
  purged_before timestamptz NOT NULL,
  events_purged integer NOT NULL CHECK (events_purged > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, through_seq)
);

ALTER TABLE audit_checkpoints ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON audit_checkpoints USING (practice_id = current_practice_id());
-- The default privileges gave the app role every right: it only reads checkpoints.
REVOKE INSERT, UPDATE, DELETE ON audit_checkpoints FROM dentalpro_app;

CREATE FUNCTION audit_checkpoints_are_append_only() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN RAISE EXCEPTION 'audit_checkpoints is append-only'; END $$;
CREATE TRIGGER audit_checkpoints_append_only
  BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_are_append_only();

-- Events stay append-only, except those a checkpoint already covers, deleted by purge_audit_events
-- (its transaction-local flag; the app role has no DELETE right, so the flag alone opens nothing).
CREATE OR REPLACE FUNCTION audit_events_are_append_only() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(current_setting('app.audit_purge', true), '') = 'on'
    AND OLD.seq <= (SELECT max(c.through_seq) FROM audit_checkpoints c WHERE c.practice_id = OLD.practice_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only';
END
$$;

-- Removes the transaction's practice's events before p_before, from the oldest on, up to the
-- first event at or after it (the stretch stays whole); with p_dry_run it only counts. Returns the
-- count and the new checkpoint (null when nothing went).
CREATE FUNCTION purge_audit_events(p_before timestamptz, p_dry_run boolean)
  RETURNS TABLE (purged integer, through_seq bigint, through_hash bytea)
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  practice uuid := current_practice_id();
  head_seq bigint;
  from_seq bigint;
  upto bigint;
  last_event record;
  n integer;
BEGIN
  IF practice IS NULL THEN
    RAISE EXCEPTION 'purge_audit_events needs a practice-bound transaction';
  END IF;
  -- A legal hold in force on any patient keeps the whole trail: its events about one patient
  -- cannot be told apart reliably (an appointment's event names the patient only in its changes).
  IF NOT p_dry_run AND EXISTS (
    SELECT FROM legal_holds h JOIN practices p ON p.id = h.practice_id
    WHERE h.practice_id = practice AND h.lifted_at IS NULL
      AND (h.ends_on IS NULL OR h.ends_on >= (now() AT TIME ZONE p.time_zone)::date)
  ) THEN
    RAISE EXCEPTION 'a legal hold is in force: the audit trail cannot be purged'
      USING ERRCODE = 'P0001', HINT = 'legal_hold_active';
  END IF;
  -- The head's lock orders this with appends (and with another purge).
  SELECT h.last_seq INTO head_seq FROM audit_chain_heads h WHERE h.practice_id = practice FOR UPDATE;
  SELECT coalesce(max(c.through_seq), 0) INTO from_seq FROM audit_checkpoints c WHERE c.practice_id = practice;
  SELECT coalesce(min(e.seq) - 1, head_seq) INTO upto FROM audit_events e
    WHERE e.practice_id = practice AND e.seq > from_seq AND e.occurred_at >= p_before;
  IF upto IS NULL OR upto <= from_seq THEN
    RETURN QUERY SELECT 0, NULL::bigint, NULL::bytea;
    RETURN;
  END IF;
  n := upto - from_seq;
  IF p_dry_run THEN
    RETURN QUERY SELECT n, upto, NULL::bytea;
    RETURN;
  END IF;
  SELECT e.seq, e.hash, e.occurred_at INTO last_event FROM audit_events e
    WHERE e.practice_id = practice AND e.seq = upto;
  IF last_event.seq IS NULL THEN
    RAISE EXCEPTION 'audit event % is missing: the trail does not verify, nothing is purged', upto;
  END IF;
  INSERT INTO audit_checkpoints (practice_id, through_seq, through_hash, through_occurred_at, purged_before, events_purged)
    VALUES (practice, upto, last_event.hash, last_event.occurred_at, p_before, n);
  PERFORM set_config('app.audit_purge', 'on', true);
  DELETE FROM audit_events e WHERE e.practice_id = practice AND e.seq > from_seq AND e.seq <= upto;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('app.audit_purge', 'off', true);
  RETURN QUERY SELECT n, upto, last_event.hash;
END
$$;

REVOKE ALL ON FUNCTION purge_audit_events(timestamptz, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION purge_audit_events(timestamptz, boolean) TO dentalpro_app;
