-- The patient's sort name beside each phone number, carried in both digit indexes: a search by
-- a few digits (a thousand numbers for "5958") puts the matches in list order from the indexes
-- alone and fetches only the page of patients it shows. Kept equal to patients.sort_name by
-- triggers, whatever writes the rows.
ALTER TABLE patient_phones ADD COLUMN sort_name text COLLATE "C";
UPDATE patient_phones ph SET sort_name = p.sort_name FROM patients p WHERE p.id = ph.patient_id;
UPDATE patient_phones SET sort_name = '' WHERE sort_name IS NULL;
ALTER TABLE patient_phones ALTER COLUMN sort_name SET NOT NULL;
DROP INDEX patient_phones_national_idx;
DROP INDEX patient_phones_reversed_idx;
CREATE INDEX patient_phones_national_idx ON patient_phones (practice_id, national_digits) INCLUDE (sort_name, patient_id);
CREATE INDEX patient_phones_reversed_idx ON patient_phones (practice_id, digits_reversed) INCLUDE (sort_name, patient_id);

CREATE FUNCTION patient_phone_sort_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sort_name := coalesce((SELECT sort_name FROM patients WHERE id = NEW.patient_id), '');
  RETURN NEW;
END
$$;
CREATE TRIGGER sort_name BEFORE INSERT OR UPDATE OF patient_id ON patient_phones
  FOR EACH ROW EXECUTE FUNCTION patient_phone_sort_name();

CREATE FUNCTION patient_sort_name_to_phones() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE patient_phones SET sort_name = NEW.sort_name WHERE patient_id = NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER sort_name_to_phones AFTER UPDATE OF sort_name ON patients
  FOR EACH ROW WHEN (OLD.sort_name IS DISTINCT FROM NEW.sort_name) EXECUTE FUNCTION patient_sort_name_to_phones();
