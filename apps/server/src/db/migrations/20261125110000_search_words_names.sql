-- The whole folded name beside each search word, carried in the words index: a search of
-- several words with a typo checks the other words against it while scanning the index, instead
-- of fetching each candidate patient to look (thousands of them for a common family name).
ALTER TABLE patient_search_words ADD COLUMN search_name text COLLATE "C";
UPDATE patient_search_words w SET search_name = p.search_name FROM patients p WHERE p.id = w.patient_id;
UPDATE patient_search_words SET search_name = '' WHERE search_name IS NULL;
ALTER TABLE patient_search_words ALTER COLUMN search_name SET NOT NULL;
DROP INDEX patient_search_words_idx;
CREATE INDEX patient_search_words_idx ON patient_search_words (practice_id, word, sort_name, patient_id) INCLUDE (search_name);
