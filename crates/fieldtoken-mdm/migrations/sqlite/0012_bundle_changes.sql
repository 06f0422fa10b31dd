-- The offline bundle's change log (issue 14): what each revision of an organisation changed, so a phone that holds
-- revision N gets only what changed since (`GET /api/v1/offline-bundle?format=compact&since=N`) instead of the whole
-- bundle again. One row per changed item and revision: `kind` names the table (`token`, `device`, `fleet`, `key`),
-- `item_id` its row. The row says only *that* it changed: the answer reads the item's state now.
--
-- The log is trimmed (`store::bundle_log`): `changes_from` is the revision after which every change is still logged,
-- so a phone holding an older revision (or one the log never had) gets the full bundle. Organisations that existed
-- before this log start it at their current revision.
CREATE TABLE bundle_changes (
    org_id   INTEGER NOT NULL REFERENCES organisations (id),
    revision INTEGER NOT NULL,
    kind     TEXT    NOT NULL CHECK (kind IN ('token', 'device', 'fleet', 'key')),
    item_id  INTEGER NOT NULL
) STRICT;
CREATE INDEX bundle_changes_by_revision ON bundle_changes (org_id, revision);

ALTER TABLE organisations ADD COLUMN changes_from INTEGER NOT NULL DEFAULT 1;
UPDATE organisations SET changes_from = revision;
