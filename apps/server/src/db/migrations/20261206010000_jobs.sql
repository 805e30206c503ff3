-- The job system (platform/jobs.ts): work to do now or at a time, retried with backoff, kept
-- when it keeps failing. The table is the queue: workers claim rows with SKIP LOCKED, so any
-- number of processes share the work, and a job is written in the transaction that asks for it.
CREATE TABLE jobs (
  id bigserial PRIMARY KEY,
  -- A job definition's name, or 'event:<name>' for an announcement not yet handed to its listeners.
  name text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  -- The practice whose transaction asked for it (null for the platform's own work).
  practice_id uuid REFERENCES practices (id) ON DELETE CASCADE DEFAULT current_practice_id(),
  -- A later enqueue with the same key replaces the pending job (or cancels it).
  key text,
  run_at timestamptz NOT NULL DEFAULT now(),
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 10 CHECK (max_attempts >= 1),
  -- While running: which worker has it, and until when before another may take it over.
  locked_by text,
  locked_until timestamptz,
  last_error text,
  failed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((state = 'running') = (locked_until IS NOT NULL))
);

-- One pending job per key; a running job no longer holds its key, so the next one can be queued.
CREATE UNIQUE INDEX jobs_pending_key ON jobs (key) WHERE state = 'pending' AND key IS NOT NULL;
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state = 'pending';
CREATE INDEX jobs_lease ON jobs (locked_until) WHERE state = 'running';
CREATE INDEX jobs_failed ON jobs (failed_at) WHERE state = 'failed';

-- Scheduled runs taken, one row per schedule and tick: the primary key is what stops two workers
-- from running the same tick twice.
CREATE TABLE job_schedule_ticks (
  schedule text NOT NULL,
  tick timestamptz NOT NULL,
  taken_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (schedule, tick)
);

-- Workers sleep until told: a committed insert wakes every process listening (at commit, never
-- for a rolled-back one). The payload has the shape of the event bus's notifications.
CREATE FUNCTION jobs_notify_inserted() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM pg_notify('dentalpro_events', '{"topic":"jobs:ready","payload":{}}');
  RETURN NULL;
END
$$;
CREATE TRIGGER jobs_inserted AFTER INSERT ON jobs FOR EACH STATEMENT EXECUTE FUNCTION jobs_notify_inserted();

-- A practice's transactions may queue, replace and cancel that practice's jobs, nothing else.
ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON jobs USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON jobs TO dentalpro_app;
GRANT USAGE, SELECT ON SEQUENCE jobs_id_seq TO dentalpro_app;
