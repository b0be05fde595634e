-- +goose Up
-- samarbeid_app is the role the application should run as (production logs in with a role
-- that is a member of it). It may read and append to the audit ledger but never change or
-- delete a row, and as a non-superuser it cannot switch the append-only trigger off.
-- Roles are cluster-wide, so several databases may race to create it: tolerate that.
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'samarbeid_app') THEN
        CREATE ROLE samarbeid_app NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;
-- +goose StatementEnd
GRANT USAGE ON SCHEMA public TO samarbeid_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON services, staff, staff_services TO samarbeid_app;
GRANT SELECT, INSERT, UPDATE ON case_ref_counters TO samarbeid_app;
GRANT SELECT, INSERT ON consents TO samarbeid_app;
GRANT SELECT, INSERT ON audit_ledger TO samarbeid_app;

-- +goose Down
REVOKE ALL ON services, staff, staff_services, case_ref_counters, consents, audit_ledger FROM samarbeid_app;
REVOKE USAGE ON SCHEMA public FROM samarbeid_app;
