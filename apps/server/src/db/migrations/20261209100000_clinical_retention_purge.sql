-- The retention job's end of a clinical record. Clinical rows are never deleted by the
-- application (DELETE is revoked; a signed note and an addendum refuse it), except here: once a
-- patient's records are past their retention date (11 years after the last visit; minors until
-- the later of 25 and that) and no legal hold stops it, purge_clinical_records deletes all of
-- that patient's clinical rows in the current practice. It runs as the tables' owner (SECURITY
-- DEFINER) and lets the immutability triggers through for its own statements only, by a
-- transaction-local flag it sets and clears itself.

CREATE OR REPLACE FUNCTION refuse_signed_note_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.signed_at IS NOT NULL AND coalesce(current_setting('app.clinical_purge', true), '') <> 'on' THEN
      RAISE EXCEPTION 'clinical note % is signed and cannot be deleted', OLD.id USING ERRCODE = 'P0001', HINT = 'note_signed';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.signed_at IS NOT NULL AND (
    NEW.body_sealed IS DISTINCT FROM OLD.body_sealed OR NEW.signed_at IS DISTINCT FROM OLD.signed_at
    OR NEW.signed_by IS DISTINCT FROM OLD.signed_by OR NEW.author_id IS DISTINCT FROM OLD.author_id
    OR NEW.visit_date IS DISTINCT FROM OLD.visit_date OR NEW.appointment_id IS DISTINCT FROM OLD.appointment_id
    OR NEW.id IS DISTINCT FROM OLD.id OR NEW.practice_id IS DISTINCT FROM OLD.practice_id
    OR NEW.created_at IS DISTINCT FROM OLD.created_at
  ) THEN
    RAISE EXCEPTION 'clinical note % is signed and cannot be changed; add an addendum', OLD.id USING ERRCODE = 'P0001', HINT = 'note_signed';
  END IF;
  RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION refuse_addendum_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(current_setting('app.clinical_purge', true), '') = 'on' THEN
    RETURN OLD;
  END IF;
  IF TG_OP = 'DELETE' OR NEW.body_sealed IS DISTINCT FROM OLD.body_sealed OR NEW.author_id IS DISTINCT FROM OLD.author_id
    OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.note_id IS DISTINCT FROM OLD.note_id THEN
    RAISE EXCEPTION 'an addendum cannot be changed or deleted' USING ERRCODE = 'P0001', HINT = 'note_signed';
  END IF;
  RETURN NEW;
END
$$;

-- Deletes one patient's clinical rows in the transaction's practice; returns how many rows went.
CREATE FUNCTION purge_clinical_records(p_patient uuid) RETURNS integer
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$
DECLARE
  practice uuid := current_practice_id();
  n integer := 0;
  k integer;
BEGIN
  IF practice IS NULL THEN
    RAISE EXCEPTION 'purge_clinical_records needs a practice-bound transaction';
  END IF;
  PERFORM set_config('app.clinical_purge', 'on', true);
  DELETE FROM clinical_note_addenda a USING clinical_notes n
    WHERE a.note_id = n.id AND a.practice_id = practice AND n.practice_id = practice AND n.patient_id = p_patient;
  GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
  DELETE FROM clinical_notes WHERE practice_id = practice AND patient_id = p_patient;
  GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
  DELETE FROM chart_findings WHERE practice_id = practice AND patient_id = p_patient;
  GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
  DELETE FROM treatment_plan_items i USING treatment_plans p
    WHERE i.plan_id = p.id AND i.practice_id = practice AND p.practice_id = practice AND p.patient_id = p_patient;
  GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
  DELETE FROM treatment_plans WHERE practice_id = practice AND patient_id = p_patient;
  GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
  DELETE FROM attachments WHERE practice_id = practice AND patient_id = p_patient;
  GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
  PERFORM set_config('app.clinical_purge', 'off', true);
  RETURN n;
END
$$;

REVOKE ALL ON FUNCTION purge_clinical_records(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION purge_clinical_records(uuid) TO dentalpro_app;
