-- The one way clinical rows are deleted (purge_clinical_records, SECURITY DEFINER: the app role
-- has no DELETE on clinical tables, and the triggers' purge flag opens nothing without it) now
-- also refuses a patient under a legal hold in force, in the database itself: the retention job
-- already leaves held patients out, and this holds whatever calls it (issue 14 review).

CREATE OR REPLACE FUNCTION purge_clinical_records(p_patient uuid) RETURNS integer
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
  -- A legal hold in force (not lifted, its last day not past on the practice's calendar) keeps
  -- everything, whoever calls.
  IF EXISTS (
    SELECT FROM legal_holds h JOIN practices p ON p.id = h.practice_id
    WHERE h.practice_id = practice AND h.patient_id = p_patient AND h.lifted_at IS NULL
      AND (h.ends_on IS NULL OR h.ends_on >= (now() AT TIME ZONE p.time_zone)::date)
  ) THEN
    RAISE EXCEPTION 'patient % is under a legal hold: their clinical records cannot be purged', p_patient
      USING ERRCODE = 'P0001', HINT = 'legal_hold_active';
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
