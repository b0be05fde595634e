-- +goose Up
-- Roles the directory gives beyond membership of services (issue 4): 'revisor' reads every
-- case and the ledger and may not act; 'admin' keeps the directory. The other roles
-- (caseworker, service contact, coordinator, KE) follow from services and cases.
ALTER TABLE staff ADD COLUMN roles text[] NOT NULL DEFAULT '{}'
    CHECK (roles <@ ARRAY['revisor', 'admin']::text[]);
-- The language samarbeid speaks to this person: nb (bokmål), nn (nynorsk) or en; empty
-- means the workspace's default.
ALTER TABLE staff ADD COLUMN language text NOT NULL DEFAULT ''
    CHECK (language IN ('', 'nb', 'nn', 'en'));

-- +goose Down
ALTER TABLE staff DROP COLUMN language;
ALTER TABLE staff DROP COLUMN roles;
