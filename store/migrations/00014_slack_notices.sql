-- +goose Up
-- Every notice the workflows post to Slack, by its key (the workflow run and activity that
-- posts it), so that a notice is posted once: the row is written 'pending' before
-- chat.postMessage and gets Slack's ts after it. A retry that finds a ts updates that
-- message; one that finds 'pending' without a ts looks the message up in the channel's
-- history by the key it carries in its metadata before it posts. A notice Slack refuses for
-- good (an archived channel, a revoked token, ...) is 'parked' with what Slack said and the
-- notice itself, until an administrator has fixed the cause and it is sent again.
CREATE TABLE slack_notices (
    key          text PRIMARY KEY,
    workflow_id  text NOT NULL DEFAULT '',
    case_ref     text NOT NULL DEFAULT '',
    kind         text NOT NULL DEFAULT '',
    service_id   text NOT NULL DEFAULT '',          -- whose channel it goes to
    channel      text NOT NULL DEFAULT '',          -- where it was (or is being) posted
    ts           text NOT NULL DEFAULT '',          -- Slack's timestamp once posted
    state        text NOT NULL CHECK (state IN ('pending', 'unsent', 'posted', 'parked')),
    problem      text NOT NULL DEFAULT '',          -- Slack's error code when parked
    notice       jsonb,                             -- parked: the notice to send again (references only)
    attempts     integer NOT NULL DEFAULT 0,        -- sends tried again after parking
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX slack_notices_parked ON slack_notices (service_id, created_at) WHERE state = 'parked';
GRANT SELECT, INSERT, UPDATE, DELETE ON slack_notices TO samarbeid_app;

-- +goose Down
DROP TABLE slack_notices;
