-- Several words ("ravi ramgoolam"): the patients whose name has a word starting with each. Two
-- common words meet in few patients, but reading both ranges of the words index to intersect
-- them touches tens of thousands of entries; a GIN index over the name's words intersects
-- compressed posting lists instead. Its operator (@@) is not leakproof, so under row-level
-- security PostgreSQL would not use the index: the lookup runs as the owner, practice filter
-- written out, like similar_patient_name_words. The words are the folded name's own (no
-- text-search parser or dictionary), so they are exactly those of patient_search_words.
CREATE INDEX patients_name_words_idx ON patients
  USING gin (array_to_tsvector(array_remove(string_to_array(search_name, ' '), '')))
  WHERE merged_into_id IS NULL;

CREATE FUNCTION patients_with_words(words tsquery, include_archived boolean)
  RETURNS TABLE (id uuid, search_name text, sort_name text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
BEGIN
  RETURN QUERY
    SELECT p.id, p.search_name, p.sort_name::text
    FROM patients p
    WHERE p.practice_id = current_practice_id() AND p.merged_into_id IS NULL
      AND (include_archived OR p.status <> 'archived')
      AND array_to_tsvector(array_remove(string_to_array(p.search_name, ' '), '')) @@ words;
END
$$;
REVOKE ALL ON FUNCTION patients_with_words(tsquery, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION patients_with_words(tsquery, boolean) TO dentalpro_app;
