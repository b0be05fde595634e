-- +goose Up
-- Every change an administrator makes to the directory through Slack (staff, their services
-- and roles, services' channels), append-only like the audit ledger: who may act in which
-- case follows from the directory, so an auditor must be able to see who changed it.
CREATE TABLE directory_changes (
    id          bigserial PRIMARY KEY,
    changed_by  text NOT NULL,
    change      text NOT NULL,
    subject     text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}',
    changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER directory_changes_append_only BEFORE UPDATE OR DELETE ON directory_changes
    FOR EACH ROW EXECUTE FUNCTION audit_ledger_append_only();
CREATE TRIGGER directory_changes_no_truncate BEFORE TRUNCATE ON directory_changes
    FOR EACH STATEMENT EXECUTE FUNCTION audit_ledger_append_only();
GRANT SELECT, INSERT ON directory_changes TO samarbeid_app;
GRANT USAGE ON SEQUENCE directory_changes_id_seq TO samarbeid_app;

-- +goose Down
DROP TABLE directory_changes;
