-- +goose Up
-- The service directory: every provider a case can involve, with the law it acts under.
CREATE TABLE services (
    id            text PRIMARY KEY,
    name          text NOT NULL,
    sector        text NOT NULL,
    law           text NOT NULL,
    section       text NOT NULL DEFAULT '',
    slack_channel text NOT NULL,
    coordinating  boolean NOT NULL DEFAULT false
);
-- At most one koordinerende enhet per installation (one municipality).
CREATE UNIQUE INDEX services_one_coordinating_unit ON services (coordinating) WHERE coordinating;

CREATE TABLE staff (
    slack_user_id text PRIMARY KEY,
    name          text NOT NULL
);

CREATE TABLE staff_services (
    slack_user_id text NOT NULL REFERENCES staff ON DELETE CASCADE,
    service_id    text NOT NULL REFERENCES services ON DELETE CASCADE,
    PRIMARY KEY (slack_user_id, service_id)
);

-- One counter per year for pseudonymous case references (SAK-2026-0001).
CREATE TABLE case_ref_counters (
    year integer PRIMARY KEY,
    last integer NOT NULL
);

-- Consents, refusals and statutory bases for sharing with one recipient service.
CREATE TABLE consents (
    key                  text PRIMARY KEY,
    case_ref             text NOT NULL,
    recipient_service_id text NOT NULL,
    basis                text NOT NULL CHECK (basis IN ('samtykke', 'lovhjemmel', 'nektet')),
    form                 text NOT NULL DEFAULT '',
    statutory_basis      text NOT NULL DEFAULT '',
    recorded_by          text NOT NULL,
    recorded_at          timestamptz NOT NULL
);
CREATE INDEX consents_case ON consents (case_ref, recorded_at);

-- +goose Down
DROP TABLE consents;
DROP TABLE case_ref_counters;
DROP TABLE staff_services;
DROP TABLE staff;
DROP TABLE services;
