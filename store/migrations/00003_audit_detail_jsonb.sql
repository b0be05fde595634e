-- +goose Up
-- The detail as jsonb, for queries. It is derived from the canonical text, which stays the
-- hashed source of truth: jsonb reorders keys and normalizes numbers. Adding a generated
-- column rewrites the table without firing the append-only row triggers.
ALTER TABLE audit_ledger ADD COLUMN detail_jsonb jsonb GENERATED ALWAYS AS (detail::jsonb) STORED;

-- +goose Down
ALTER TABLE audit_ledger DROP COLUMN detail_jsonb;
