-- +goose Up
-- The append-only audit ledger. Each row's hash covers the previous row's hash and the
-- canonical text of its own content, so a change to any row breaks the chain from there on.
CREATE TABLE audit_ledger (
    seq         bigint PRIMARY KEY,
    key         text NOT NULL UNIQUE,
    case_ref    text NOT NULL,
    workflow_id text NOT NULL,
    run_id      text NOT NULL,
    actor       text NOT NULL,
    service_id  text NOT NULL,
    action      text NOT NULL,
    summary     text NOT NULL,
    detail      text NOT NULL,  -- canonical JSON text, hashed as stored
    legal_basis text NOT NULL,
    occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    prev_hash   text NOT NULL,
    hash        text NOT NULL
);
CREATE INDEX audit_ledger_case ON audit_ledger (case_ref, seq);

-- +goose StatementBegin
CREATE FUNCTION audit_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'revisjonsloggen kan ikke endres eller slettes (% avvist)', TG_OP;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER audit_ledger_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_ledger
    FOR EACH ROW EXECUTE FUNCTION audit_ledger_append_only();
CREATE TRIGGER audit_ledger_no_truncate
    BEFORE TRUNCATE ON audit_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION audit_ledger_append_only();

-- +goose Down
DROP TABLE audit_ledger;
DROP FUNCTION audit_ledger_append_only();
