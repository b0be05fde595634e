-- +goose Up
-- Who runs a service: '' for the municipality whose samarbeid this is, otherwise the other
-- organisation (a health trust, the county, the state). Each organisation may have one
-- coordinating unit, which serves that organisation's services: the municipality's
-- koordinerende enhet (hol § 7-3), and for example a health trust's coordinating unit for
-- coordinators in specialist care (sphl § 2-5 a).
ALTER TABLE services ADD COLUMN owner text NOT NULL DEFAULT '';
DROP INDEX services_one_coordinating_unit;
CREATE UNIQUE INDEX services_one_coordinating_unit_per_owner ON services (owner) WHERE coordinating;

-- +goose Down
DROP INDEX services_one_coordinating_unit_per_owner;
DELETE FROM services WHERE coordinating AND owner <> '';
CREATE UNIQUE INDEX services_one_coordinating_unit ON services (coordinating) WHERE coordinating;
ALTER TABLE services DROP COLUMN owner;
