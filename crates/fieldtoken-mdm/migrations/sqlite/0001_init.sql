-- The MDM's storage. Times are milliseconds since the Unix epoch (UTC) unless named `_s` (seconds).
-- Secrets never lie here in the clear: seeds, directory keys and codes are sealed with the master key, which is kept
-- outside the database (see src/seal.rs); bearer secrets are stored as SHA-256 hashes.

-- Server-wide facts. `master_key_check` is a sealed known value: a wrong or replaced master key file is noticed at
-- start, before anything is sealed with it.
CREATE TABLE server_meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

-- Organisations own everything else: tokens, fleets, devices and keys never cross between them.
-- `revision` grows with every change the offline bundle shows (its version and ETag).
CREATE TABLE organisations (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL UNIQUE,
    sealed_directory_key BLOB    NOT NULL,
    revision             INTEGER NOT NULL DEFAULT 1,
    created_at           INTEGER NOT NULL
) STRICT;

CREATE TABLE fleets (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, name)
) STRICT;

-- A device's state is `in_fleet` exactly when it has a fleet. `certificate` is the enrolled public key (NULL after
-- reset_certificate). `last_scan_*` is the latest applied scan, the reference of latest-scan-wins.
CREATE TABLE devices (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    serial       TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('in_fleet', 'in_repair', 'in_stock')),
    fleet_id     INTEGER REFERENCES fleets (id),
    certificate  BLOB CHECK (certificate IS NULL OR length(certificate) = 32),
    last_scan_at INTEGER,
    last_scan_id TEXT,
    created_at   INTEGER NOT NULL,
    UNIQUE (org_id, serial),
    CHECK ((state = 'in_fleet') = (fleet_id IS NOT NULL)),
    CHECK ((last_scan_at IS NULL) = (last_scan_id IS NULL))
) STRICT;

-- Ed25519 signing keys. The id is the key id signed into tokens. One active key per organisation signs new tokens;
-- retired keys still verify the tokens they signed.
CREATE TABLE signing_keys (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    public_key  BLOB    NOT NULL CHECK (length(public_key) = 32),
    sealed_seed BLOB    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('active', 'retired')),
    created_at  INTEGER NOT NULL,
    retired_at  INTEGER
) STRICT;
CREATE UNIQUE INDEX one_active_key_per_org ON signing_keys (org_id) WHERE status = 'active';

-- API tokens (and the admin UI's sessions): a name, a permission subset (stable names separated by spaces) and the
-- SHA-256 of the bearer secret. `last_sync_at` is the server time of the holder's previous sync (the clock rule).
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    name         TEXT    NOT NULL,
    secret_hash  BLOB    NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
    permissions  TEXT    NOT NULL,
    created_by   INTEGER REFERENCES api_tokens (id),
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    last_sync_at INTEGER
) STRICT;

-- Action tokens. The code is sealed (`sealed_code`); `code_lookup` is a keyed hash of it under a key derived from the
-- master key, unique across organisations, so that the server finds a token by a typed code without storing it.
-- `key_id` is the key that signs its QR. Deleted tokens stay (deleted_at), so late scans get `deleted`.
CREATE TABLE action_tokens (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    name         TEXT    NOT NULL,
    action       TEXT    NOT NULL CHECK (action IN ('put_in_fleet', 'put_in_repair', 'put_in_stock', 'reset_certificate')),
    fleet_id     INTEGER,
    expires_at_s INTEGER NOT NULL,
    key_id       INTEGER NOT NULL REFERENCES signing_keys (id),
    sealed_code  BLOB    NOT NULL,
    code_lookup  BLOB    NOT NULL UNIQUE,
    created_by   INTEGER REFERENCES api_tokens (id),
    created_at   INTEGER NOT NULL,
    deleted_at   INTEGER,
    CHECK ((action = 'put_in_fleet') = (fleet_id IS NOT NULL))
) STRICT;
CREATE INDEX action_tokens_by_org ON action_tokens (org_id, id);

-- Every redemption received, applied or not. The id is the client's idempotency key; `payload_hash` is the SHA-256
-- of what it named (token text, device, scan time), so a reused id with another payload is refused. The token text
-- is never stored (it may be a code).
CREATE TABLE redemptions (
    id           TEXT    PRIMARY KEY,
    payload_hash BLOB    NOT NULL,
    org_id       INTEGER REFERENCES organisations (id),
    status       TEXT    NOT NULL CHECK (status IN ('applied', 'superseded', 'rejected')),
    reason       TEXT,
    token_id     INTEGER,
    device_id    INTEGER NOT NULL,
    scanned_at   INTEGER NOT NULL,
    received_at  INTEGER NOT NULL,
    client_id    INTEGER REFERENCES api_tokens (id)
) STRICT, WITHOUT ROWID;
CREATE INDEX redemptions_by_org ON redemptions (org_id, received_at);

-- Who did what, when, from where.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    org_id   INTEGER NOT NULL REFERENCES organisations (id),
    at       INTEGER NOT NULL,
    actor_id INTEGER REFERENCES api_tokens (id),
    actor    TEXT    NOT NULL,
    action   TEXT    NOT NULL,
    target   TEXT    NOT NULL,
    detail   TEXT    NOT NULL,
    remote   TEXT
) STRICT;
CREATE INDEX audit_log_by_org ON audit_log (org_id, id);
