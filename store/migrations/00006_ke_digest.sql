-- +goose Up
-- Reminders and escalations for the coordinating unit wait here for the daily digest (a
-- Temporal Schedule) instead of each posting its own message in the KE channel. A row is
-- never lost: it is marked sent only in the transaction that posted the digest.
CREATE TABLE ke_digest_items (
    key          text PRIMARY KEY,            -- idempotent on activity retries
    workflow_id  text NOT NULL,
    case_ref     text NOT NULL,
    kind         text NOT NULL,
    service_id   text NOT NULL DEFAULT '',
    step         text NOT NULL DEFAULT '',
    deadline     timestamptz,
    escalations  integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz
);
CREATE INDEX ke_digest_items_unsent ON ke_digest_items (created_at) WHERE sent_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON ke_digest_items TO samarbeid_app;

-- +goose Down
DROP TABLE ke_digest_items;
