-- Redemption history and audit filters (issue 19): what admins read after redemptions.
--
-- `redemptions` is the idempotency table: one row per (caller, redemption id), so a retry (`duplicate`) has no row
-- of its own, and a rejected redemption is filed under whichever organisation its token or device named. The history
-- is one row per redemption *received*, duplicates included, filed under the organisation of whoever carried it
-- (the carrier's credentials are always an organisation's), so every outcome is findable by the admins of the
-- organisation that sent it, and never by another's.
--
-- `carrier_kind`/`carrier_id` is who carried it: an operator (access token number), an API token (row id) or an
-- enrolled device signing for itself (device id). `token_id` is set only for a token of `org_id` (a scan of another
-- organisation's token is recorded as `other_org` without naming it). Times are milliseconds (UTC).
CREATE TABLE redemption_history (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    redemption_id TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('applied', 'duplicate', 'superseded', 'rejected')),
    reason        TEXT,
    token_id      INTEGER,
    device_id     INTEGER NOT NULL,
    scanned_at    INTEGER NOT NULL,
    received_at   INTEGER NOT NULL,
    carrier_kind  TEXT    NOT NULL CHECK (carrier_kind IN ('operator', 'api_token', 'device')),
    carrier_id    INTEGER NOT NULL
) STRICT;
-- Newest first within each filter: every index ends with the receive time (and, implicitly, the row id), so a
-- page is one index range whatever the table's size.
CREATE INDEX redemption_history_by_time ON redemption_history (org_id, received_at);
CREATE INDEX redemption_history_by_token ON redemption_history (org_id, token_id, received_at);
CREATE INDEX redemption_history_by_device ON redemption_history (org_id, device_id, received_at);
CREATE INDEX redemption_history_by_carrier ON redemption_history (org_id, carrier_kind, carrier_id, received_at);
CREATE INDEX redemption_history_by_status ON redemption_history (org_id, status, received_at);

-- What was received before this migration (duplicates were not kept, so none appear).
INSERT INTO redemption_history (org_id, redemption_id, status, reason, token_id, device_id, scanned_at, received_at,
                                carrier_kind, carrier_id)
SELECT r.scope_org, r.id, r.status, r.reason,
       (SELECT t.id FROM action_tokens t WHERE t.id = r.token_id AND t.org_id = r.scope_org),
       r.device_id, r.scanned_at, r.received_at,
       CASE substr(r.principal, 1, instr(r.principal, ':') - 1)
            WHEN 'device' THEN 'device' WHEN 'operator' THEN 'operator' ELSE 'api_token' END,
       CAST(substr(r.principal, instr(r.principal, ':') + 1) AS INTEGER)
  FROM redemptions r
 WHERE r.scope_org <> 0 AND r.principal <> 'anonymous' AND EXISTS (SELECT 1 FROM organisations o WHERE o.id = r.scope_org)
 ORDER BY r.received_at, r.id;

-- The audit log's filters (actor, kind, time range), each an index range in time order.
CREATE INDEX audit_log_by_time ON audit_log (org_id, at);
CREATE INDEX audit_log_by_actor ON audit_log (org_id, actor, at);
CREATE INDEX audit_log_by_action ON audit_log (org_id, action, at);
