-- The practice's name vocabulary, kept by the database rather than by each writer: every word
-- patients are found by joins it when its first patient is inserted (once per statement, so an
-- import adds all its words in one insert). The import still adds its new words beforehand in a
-- short transaction of their own, so that nobody waits on them for the length of the import; here
-- they are then found already there.
CREATE FUNCTION patient_words_to_vocabulary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO patient_name_vocabulary (practice_id, word)
  SELECT DISTINCT practice_id, word FROM new_words
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER vocabulary AFTER INSERT ON patient_search_words
  REFERENCING NEW TABLE AS new_words FOR EACH STATEMENT EXECUTE FUNCTION patient_words_to_vocabulary();

INSERT INTO patient_name_vocabulary (practice_id, word)
SELECT DISTINCT practice_id, word FROM patient_search_words
ON CONFLICT DO NOTHING;

-- How many patients bear each vocabulary word, as of the last count. A search of several words
-- reads the index of the rarest: these counts tell a word of 14,000 patients from one of 40,000 in
-- a few rows. Counted after imports and, for words added since, in the background
-- (refreshNameWordCounts); never row by row, so that writers of common names ("Marie") never queue
-- on one counter. A table of its own: rewriting counts in the vocabulary would churn its trigram
-- index. Stale or missing counts only make a search slower, never wrong.
CREATE TABLE patient_name_word_counts (
  practice_id uuid NOT NULL REFERENCES practices (id),
  word text COLLATE "C" NOT NULL,
  patients integer NOT NULL,
  PRIMARY KEY (practice_id, word)
);
ALTER TABLE patient_name_word_counts ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON patient_name_word_counts USING (practice_id = current_practice_id());
GRANT SELECT ON patient_name_word_counts TO dentalpro_app;
