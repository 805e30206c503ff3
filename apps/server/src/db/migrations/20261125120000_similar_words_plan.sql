-- similar_patient_name_words again, faster: as PL/pgSQL its query is planned once per connection
-- (a SQL function is planned at every call, about 2 ms here, and a search of several words makes
-- one call per word), and the trigram index is asked only for words at least as similar as
-- wanted (the % operator's threshold is set to min_similarity for the rest of the transaction;
-- at the default 0.3 a two-letter token drew thousands of candidates to recheck).
DROP FUNCTION similar_patient_name_words(text, real, integer);
CREATE FUNCTION similar_patient_name_words(token text, min_similarity real, max_words integer)
  RETURNS TABLE (word text, score real)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
BEGIN
  PERFORM set_config('pg_trgm.similarity_threshold', min_similarity::text, true);
  RETURN QUERY
    SELECT v.word::text, similarity(v.word, token)
    FROM patient_name_vocabulary v
    WHERE v.practice_id = current_practice_id() AND v.word % token AND similarity(v.word, token) >= min_similarity
    ORDER BY 2 DESC, v.word
    LIMIT max_words;
END
$$;
REVOKE ALL ON FUNCTION similar_patient_name_words(text, real, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION similar_patient_name_words(text, real, integer) TO dentalpro_app;
