-- +goose Up
-- The web console's sessions (webconsole/, alexedwards/scs's pgxstore): kept on the server,
-- so a logout or an expiry ends a session for good, and every samarbeid instance sees it.
-- The cookie holds only the random token.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO samarbeid_app;

-- +goose Down
DROP TABLE sessions;
