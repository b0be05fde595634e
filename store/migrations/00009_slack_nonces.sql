-- +goose Up
-- Slack requests already seen, by timestamp and signature, for as long as Slack's five-minute
-- window would accept them: a correctly signed request that comes a second time is refused
-- (a replay). In the database, so every bot process sees what the others saw.
CREATE TABLE slack_nonces (
    nonce      text PRIMARY KEY,              -- X-Slack-Request-Timestamp ":" X-Slack-Signature
    expires_at timestamptz NOT NULL
);
CREATE INDEX slack_nonces_expires ON slack_nonces (expires_at);
GRANT SELECT, INSERT, DELETE ON slack_nonces TO samarbeid_app;

-- +goose Down
DROP TABLE slack_nonces;
