-- Trust in every redemption (issue 18): redemption ids scoped to their organisation and principal, one clock mark
-- per principal that outlives sessions, and each organisation's `max_offline`.
--
-- A redemption id is the idempotency key only within (`scope_org`, `principal`): the caller's organisation (0 for an
-- anonymous caller) and who carried it: `device:ID` for a device's signature, `operator:NUMBER` for an operator's
-- access token (whichever session), `api:ID` for an API token, `anonymous` otherwise. Another caller's ids never
-- conflict with, nor read as duplicates of, this caller's.
CREATE TABLE redemptions_scoped (
    scope_org    INTEGER NOT NULL,
    principal    TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    payload_hash BLOB    NOT NULL,
    org_id       INTEGER REFERENCES organisations (id),
    status       TEXT    NOT NULL CHECK (status IN ('applied', 'superseded', 'rejected')),
    reason       TEXT,
    token_id     INTEGER,
    device_id    INTEGER NOT NULL,
    scanned_at   INTEGER NOT NULL,
    received_at  INTEGER NOT NULL,
    client_id    INTEGER REFERENCES api_tokens (id),
    operator     INTEGER,
    PRIMARY KEY (scope_org, principal, id)
) STRICT, WITHOUT ROWID;
INSERT INTO redemptions_scoped
SELECT COALESCE(t.org_id, 0),
       CASE WHEN r.client_id IS NULL THEN 'anonymous'
            WHEN r.operator IS NOT NULL THEN 'operator:' || r.operator
            ELSE 'api:' || r.client_id END,
       r.id, r.payload_hash, r.org_id, r.status, r.reason, r.token_id, r.device_id, r.scanned_at, r.received_at,
       r.client_id, r.operator
  FROM redemptions r LEFT JOIN api_tokens t ON t.id = r.client_id;
DROP INDEX redemptions_by_org;
DROP TABLE redemptions;
ALTER TABLE redemptions_scoped RENAME TO redemptions;
CREATE INDEX redemptions_by_org ON redemptions (org_id, received_at);

-- The clock rule's mark of each principal (same keys as above): the newest scan time it had accepted, never later
-- than the server's time then. It replaces `api_tokens.last_sync_at`, which an operator's new session reset.
CREATE TABLE sync_marks (
    scope_org    INTEGER NOT NULL,
    principal    TEXT    NOT NULL,
    last_sync_at INTEGER NOT NULL,
    PRIMARY KEY (scope_org, principal)
) STRICT, WITHOUT ROWID;
INSERT INTO sync_marks
SELECT t.org_id,
       CASE WHEN t.access_token_id IS NULL THEN 'api:' || t.id ELSE 'operator:' || a.number END,
       MAX(t.last_sync_at)
  FROM api_tokens t LEFT JOIN access_tokens a ON a.id = t.access_token_id
 WHERE t.last_sync_at IS NOT NULL
 GROUP BY 1, 2;

-- How far back (milliseconds before the server's time) a scan of this organisation's tokens may be dated.
ALTER TABLE organisations ADD COLUMN max_offline_ms INTEGER NOT NULL DEFAULT 259200000
    CHECK (max_offline_ms BETWEEN 60000 AND 31536000000);
