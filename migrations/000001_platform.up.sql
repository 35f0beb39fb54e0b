-- Background jobs shared by every instance (package platform/jobs): claimed with FOR UPDATE SKIP LOCKED.
CREATE TABLE jobs_queue (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text        NOT NULL,
    payload      jsonb       NOT NULL DEFAULT '{}',
    run_at       timestamptz NOT NULL DEFAULT now(),
    attempts     integer     NOT NULL DEFAULT 0,
    max_attempts integer     NOT NULL DEFAULT 10,
    last_error   text        NOT NULL DEFAULT '',
    locked_until timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- A job enqueued with a key exists once while pending: periodic work is not queued twice.
    unique_key   text
);
CREATE INDEX jobs_queue_due ON jobs_queue (run_at) WHERE attempts < max_attempts;
CREATE UNIQUE INDEX jobs_queue_unique_key ON jobs_queue (unique_key) WHERE unique_key IS NOT NULL;
