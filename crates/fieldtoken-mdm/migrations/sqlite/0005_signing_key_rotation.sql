-- Signing-key rotation (issue 5). A key is *current* while it signs new tokens (`replaced_at IS NULL`, one per
-- organisation), *previous* once a rotation replaced it (`replaced_at`; it still verifies what it signed and stays
-- in the offline bundle), and *retired* once an admin retired it (`status = 'retired'`, `retired_at`): it verifies
-- nothing any more and leaves the bundle. Only a previous key can be retired.
--
-- Until now `status = 'retired'` meant "replaced" (no API could rotate, so no such row is expected); any such row
-- takes the new meaning: previous, still verifying.
ALTER TABLE signing_keys ADD COLUMN replaced_at INTEGER;
DROP INDEX one_active_key_per_org;
UPDATE signing_keys
   SET replaced_at = COALESCE(retired_at, created_at), status = 'active', retired_at = NULL
 WHERE status = 'retired';
CREATE UNIQUE INDEX one_current_key_per_org ON signing_keys (org_id) WHERE replaced_at IS NULL;
