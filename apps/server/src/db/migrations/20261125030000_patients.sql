-- Patients grow from the minimal table of scheduling: the full record, several phones, a
-- guardian, medical alerts (sealed by the application under the practice's data key), status
-- and the pointer a merge leaves behind; plus what fast search needs.
--
-- Search keeps accent folding in the application (String.normalize + stripping combining
-- marks), so the database stores folded text:
--   search_name   'given preferred family', folded: trigram (GIN) for duplicates and fuzzy tests
--   sort_name     'family given', folded, byte order: the order of lists
--   patient_search_words  one row per word of search_name, in byte order, so a word prefix is an
--                 index range scan already in display order (no sort over thousands of matches)
--   patient_name_vocabulary  the distinct words of a practice, trigram-indexed: a typo is matched
--                 against a few thousand words, not against a million patients
--   patient_phones.digits_reversed  a suffix of the digits becomes a prefix of this

ALTER TABLE patients
  ADD COLUMN preferred_name text NOT NULL DEFAULT '' CHECK (length(preferred_name) <= 100),
  ADD COLUMN sex text NOT NULL DEFAULT 'unknown' CHECK (sex IN ('female', 'male', 'other', 'unknown')),
  ADD COLUMN email text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
  ADD COLUMN address text NOT NULL DEFAULT '' CHECK (length(address) <= 500),
  ADD COLUMN preferred_language text NOT NULL DEFAULT 'en' CHECK (preferred_language IN ('en', 'fr', 'mfe')),
  ADD COLUMN guardian_patient_id uuid,
  ADD COLUMN guardian_name text NOT NULL DEFAULT '',
  ADD COLUMN guardian_phone text NOT NULL DEFAULT '' CHECK (guardian_phone = '' OR guardian_phone ~ '^\+[1-9][0-9]{6,14}$'),
  ADD COLUMN guardian_relationship text NOT NULL DEFAULT '',
  ADD COLUMN alerts_sealed bytea,
  ADD COLUMN notes text NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
  ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived', 'deceased')),
  ADD COLUMN merged_into_id uuid,
  ADD COLUMN search_name text NOT NULL DEFAULT '',
  ADD COLUMN sort_name text COLLATE "C" NOT NULL DEFAULT '',
  ADD CONSTRAINT patients_guardian_fk FOREIGN KEY (practice_id, guardian_patient_id) REFERENCES patients (practice_id, id),
  ADD CONSTRAINT patients_merged_into_fk FOREIGN KEY (practice_id, merged_into_id) REFERENCES patients (practice_id, id),
  ADD CONSTRAINT patients_guardian_one_kind CHECK (guardian_patient_id IS NULL OR guardian_name = ''),
  ADD CONSTRAINT patients_not_own_guardian CHECK (guardian_patient_id IS DISTINCT FROM id),
  ADD CONSTRAINT patients_not_merged_into_self CHECK (merged_into_id IS DISTINCT FROM id),
  ADD CONSTRAINT patients_merged_is_archived CHECK (merged_into_id IS NULL OR status = 'archived');

-- Rows written before this migration: fold what SQL can (the application re-folds on every write).
UPDATE patients SET
  search_name = btrim(regexp_replace(lower(translate(given_name || ' ' || family_name,
    'àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝ',
    'aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY')), '[^a-z0-9]+', ' ', 'g')),
  sort_name = btrim(regexp_replace(lower(translate(family_name || ' ' || given_name,
    'àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝ',
    'aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY')), '[^a-z0-9]+', ' ', 'g'));

DROP INDEX patients_name_idx;
CREATE INDEX patients_sort_idx ON patients (practice_id, sort_name, id) WHERE merged_into_id IS NULL;
CREATE INDEX patients_search_name_trgm_idx ON patients USING gin (search_name gin_trgm_ops);
CREATE INDEX patients_birth_date_idx ON patients (practice_id, date_of_birth) WHERE merged_into_id IS NULL;
CREATE INDEX patients_email_idx ON patients (practice_id, (email COLLATE "C"));
CREATE INDEX patients_guardian_phone_idx ON patients (practice_id, guardian_phone) WHERE guardian_phone <> '';
CREATE INDEX patients_guardian_patient_idx ON patients (practice_id, guardian_patient_id) WHERE guardian_patient_id IS NOT NULL;
CREATE INDEX patients_merged_into_idx ON patients (practice_id, merged_into_id) WHERE merged_into_id IS NOT NULL;

CREATE TABLE patient_phones (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  patient_id uuid NOT NULL,
  position smallint NOT NULL CHECK (position >= 0),
  e164 text NOT NULL CHECK (e164 ~ '^\+[1-9][0-9]{6,14}$'),
  label text NOT NULL DEFAULT 'mobile' CHECK (label IN ('mobile', 'home', 'work')),
  is_whatsapp boolean NOT NULL DEFAULT false,
  -- Digits of the national number ('57123456' of +23057123456): what people type first.
  national_digits text COLLATE "C" NOT NULL,
  digits_reversed text COLLATE "C" NOT NULL,
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id) ON DELETE CASCADE,
  UNIQUE (patient_id, e164),
  UNIQUE (patient_id, position)
);
-- At most one WhatsApp number per patient.
CREATE UNIQUE INDEX patient_phones_one_whatsapp ON patient_phones (patient_id) WHERE is_whatsapp;
CREATE INDEX patient_phones_e164_idx ON patient_phones (practice_id, e164);
CREATE INDEX patient_phones_national_idx ON patient_phones (practice_id, national_digits);
CREATE INDEX patient_phones_reversed_idx ON patient_phones (practice_id, digits_reversed);

INSERT INTO patient_phones (practice_id, patient_id, position, e164, label, national_digits, digits_reversed)
SELECT practice_id, id, 0, phone, 'mobile',
  CASE WHEN phone LIKE '+230%' THEN substr(phone, 5) ELSE substr(phone, 2) END,
  reverse(substr(phone, 2))
FROM patients WHERE phone <> '';

CREATE TABLE patient_search_words (
  practice_id uuid NOT NULL REFERENCES practices (id),
  patient_id uuid NOT NULL,
  word text COLLATE "C" NOT NULL,
  sort_name text COLLATE "C" NOT NULL,
  PRIMARY KEY (patient_id, word),
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id) ON DELETE CASCADE
);
CREATE INDEX patient_search_words_idx ON patient_search_words (practice_id, word, sort_name, patient_id);

INSERT INTO patient_search_words (practice_id, patient_id, word, sort_name)
SELECT DISTINCT practice_id, id, w, sort_name FROM patients, unnest(string_to_array(search_name, ' ')) AS w
WHERE w <> '' AND merged_into_id IS NULL;

-- Words are only ever added: a stale word costs nothing, lookups go through patient_search_words.
CREATE TABLE patient_name_vocabulary (
  practice_id uuid NOT NULL REFERENCES practices (id),
  word text COLLATE "C" NOT NULL,
  PRIMARY KEY (practice_id, word)
);
CREATE INDEX patient_name_vocabulary_trgm_idx ON patient_name_vocabulary USING gin (word gin_trgm_ops);

INSERT INTO patient_name_vocabulary (practice_id, word)
SELECT DISTINCT practice_id, word FROM patient_search_words ON CONFLICT DO NOTHING;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['patient_phones', 'patient_search_words', 'patient_name_vocabulary']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY practice_isolation ON %I USING (practice_id = current_practice_id())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO dentalpro_app', t);
  END LOOP;
END
$$;

-- Typo search: the words of the current practice's vocabulary similar to a token, most similar
-- first. SECURITY DEFINER because under row-level security PostgreSQL does not use the trigram
-- index (its operators are not leakproof); the practice filter is written out instead.
CREATE FUNCTION similar_patient_name_words(token text, min_similarity real, max_words integer)
  RETURNS TABLE (word text, score real)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT v.word, similarity(v.word, token) AS score
    FROM patient_name_vocabulary v
    WHERE v.practice_id = current_practice_id() AND v.word % token AND similarity(v.word, token) >= min_similarity
    ORDER BY score DESC, v.word
    LIMIT max_words
  $$;
REVOKE ALL ON FUNCTION similar_patient_name_words(text, real, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION similar_patient_name_words(text, real, integer) TO dentalpro_app;
