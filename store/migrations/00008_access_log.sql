-- +goose Up
-- The access log: every opening of a case's details (a modal, /samarbeid status, a Home tab
-- line, an audit timeline or export, the web console), allowed or not. It answers a person's
-- request to know who has looked at their case (innsyn), so it is append-only like the audit
-- ledger: the application may add and read rows, never change or delete one.
CREATE TABLE access_log (
    id          bigserial PRIMARY KEY,
    viewer      text NOT NULL,               -- Slack user ID, or "cli:<os user>" for the command line
    case_ref    text NOT NULL,
    workflow_id text NOT NULL DEFAULT '',    -- '' when the look was at the case as a whole
    surface     text NOT NULL,               -- where: "sak", "status", "plan", "hjem", "tidslinje", ...
    allowed     boolean NOT NULL,
    scope       text NOT NULL DEFAULT '',    -- how much was shown, e.g. "hele", "delt", "koordinering"
    looked_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX access_log_case ON access_log (case_ref, id);
CREATE INDEX access_log_viewer ON access_log (viewer, id);
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION audit_ledger_append_only();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_ledger_append_only();
GRANT SELECT, INSERT ON access_log TO samarbeid_app;
GRANT USAGE ON SEQUENCE access_log_id_seq TO samarbeid_app;

-- +goose Down
DROP TABLE access_log;
