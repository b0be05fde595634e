-- Consent as the law sees it (issue 10): who gave it, its scope, when it lapses where the
-- municipality's practice sets a limit, the reason for a refusal or withdrawal, and the
-- withdrawal itself as its own row (basis 'trukket'), so the register is append-only.

-- +goose Up
ALTER TABLE consents
    ADD COLUMN given_by    text NOT NULL DEFAULT '' CHECK (given_by IN ('', 'personen', 'forelder', 'verge')),
    ADD COLUMN information text NOT NULL DEFAULT '',
    ADD COLUMN reason      text NOT NULL DEFAULT '',
    ADD COLUMN expires_at  timestamptz;
ALTER TABLE consents DROP CONSTRAINT consents_basis_check;
ALTER TABLE consents ADD CONSTRAINT consents_basis_check
    CHECK (basis IN ('samtykke', 'lovhjemmel', 'nektet', 'trukket'));

-- +goose Down
DELETE FROM consents WHERE basis = 'trukket';
ALTER TABLE consents DROP CONSTRAINT consents_basis_check;
ALTER TABLE consents ADD CONSTRAINT consents_basis_check
    CHECK (basis IN ('samtykke', 'lovhjemmel', 'nektet'));
ALTER TABLE consents DROP COLUMN expires_at, DROP COLUMN reason, DROP COLUMN information, DROP COLUMN given_by;
