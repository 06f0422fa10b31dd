-- The offline bundle's change log (issue 14), as the SQLite migration 0012 (which explains it): one row per item
-- a revision changed, and the revision after which the log is complete.
CREATE TABLE bundle_changes (
    org_id   BIGINT NOT NULL REFERENCES organisations (id),
    revision BIGINT NOT NULL,
    kind     TEXT COLLATE "C" NOT NULL CHECK (kind IN ('token', 'device', 'fleet', 'key')),
    item_id  BIGINT NOT NULL
);
CREATE INDEX bundle_changes_by_revision ON bundle_changes (org_id, revision);

ALTER TABLE organisations ADD COLUMN changes_from BIGINT NOT NULL DEFAULT 1;
UPDATE organisations SET changes_from = revision;
