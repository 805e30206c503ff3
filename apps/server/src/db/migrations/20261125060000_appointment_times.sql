-- Plain timestamp columns beside the ranges. Row-level security keeps PostgreSQL from using an
-- index for the range operator && (it is not leakproof), so calendar reads filter on these
-- instead: timestamp comparisons are leakproof and use the btree index.
ALTER TABLE appointments
  ADD COLUMN starts_at timestamptz GENERATED ALWAYS AS (lower(period)) STORED,
  ADD COLUMN ends_at timestamptz GENERATED ALWAYS AS (upper(period)) STORED,
  ADD COLUMN occupied_until timestamptz GENERATED ALWAYS AS (upper(occupied)) STORED;
CREATE INDEX appointments_starts_idx ON appointments (practice_id, starts_at);
