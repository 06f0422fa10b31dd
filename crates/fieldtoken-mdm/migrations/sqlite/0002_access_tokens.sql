-- Access tokens after the CRM.COM model (seed 002): definitions, classifications, accounts receivable, rewards
-- participants, the tokens operators sign in with, and operator sessions. The rules live in fieldtoken-core
-- (`access`); these tables only keep what `AccessTokenRecord` and the transitions need.
--
-- Nothing that signs in lies here in the clear: pass codes are Argon2id PHC strings, authentication codes and
-- verification codes are sealed with the master key (authentication codes are found by a keyed hash, like action
-- token codes).

-- Format settings and automations. `settings` is the JSON of the identifier, pass code and authentication code
-- settings as the API shows them (src/access_config.rs), checked by the core before they are stored.
CREATE TABLE access_token_definitions (
    id                                     INTEGER PRIMARY KEY,
    org_id                                 INTEGER NOT NULL REFERENCES organisations (id),
    name                                   TEXT    NOT NULL,
    active                                 INTEGER NOT NULL CHECK (active IN (0, 1)),
    settings                               TEXT    NOT NULL,
    allow_without_identifier_and_pass_code INTEGER NOT NULL CHECK (allow_without_identifier_and_pass_code IN (0, 1)),
    not_effective_on_last_removal          INTEGER NOT NULL CHECK (not_effective_on_last_removal IN (0, 1)),
    requires_verification                  INTEGER NOT NULL CHECK (requires_verification IN (0, 1)),
    created_at                             INTEGER NOT NULL,
    UNIQUE (org_id, name)
) STRICT;
-- Seed: only one active definition at any point (per organisation).
CREATE UNIQUE INDEX one_active_definition_per_org ON access_token_definitions (org_id) WHERE active = 1;

-- A classification's settings replace the definition's for the tokens created with it.
CREATE TABLE access_token_classifications (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    name       TEXT    NOT NULL,
    settings   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, name)
) STRICT;

-- Minimal but real: a name and whether it is terminated (terminated_at set).
CREATE TABLE accounts_receivable (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    name          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    terminated_at INTEGER
) STRICT;

-- A rewards participant belongs to one accounts receivable of the same organisation.
CREATE TABLE rewards_participants (
    id                     INTEGER PRIMARY KEY,
    org_id                 INTEGER NOT NULL REFERENCES organisations (id),
    accounts_receivable_id INTEGER NOT NULL REFERENCES accounts_receivable (id),
    name                   TEXT    NOT NULL,
    created_at             INTEGER NOT NULL,
    terminated_at          INTEGER
) STRICT;

-- Access tokens. `number` is the seed's auto-generated number, allocated per organisation and never reused (deleted
-- tokens stay, with deleted_at, so that redemptions and the audit log still name their operator). `created_by`,
-- `updated_by` and `verified_by` are the core's actor names (log and verification information).
-- `verify_failures` counts wrong verification codes since the last reset (the server limits attempts).
CREATE TABLE access_tokens (
    id                         INTEGER PRIMARY KEY,
    org_id                     INTEGER NOT NULL REFERENCES organisations (id),
    number                     INTEGER NOT NULL CHECK (number BETWEEN 1 AND 4294967295),
    sealed_authentication_code BLOB    NOT NULL,
    authentication_code_lookup BLOB    NOT NULL,
    identifier                 TEXT,
    pass_code_hash             TEXT,
    state                      TEXT    NOT NULL CHECK (state IN ('effective', 'not_effective', 'pending_verification')),
    accounts_receivable_id     INTEGER REFERENCES accounts_receivable (id),
    rewards_participant_id     INTEGER REFERENCES rewards_participants (id),
    classification_id          INTEGER REFERENCES access_token_classifications (id),
    created_at                 INTEGER NOT NULL,
    created_by                 TEXT    NOT NULL,
    updated_at                 INTEGER NOT NULL,
    updated_by                 TEXT    NOT NULL,
    sealed_verification_code   BLOB,
    verified_on                INTEGER,
    verified_by                TEXT,
    verify_failures            INTEGER NOT NULL DEFAULT 0,
    deleted_at                 INTEGER,
    UNIQUE (org_id, number),
    CHECK (pass_code_hash IS NULL OR identifier IS NOT NULL),
    CHECK ((verified_on IS NULL) = (verified_by IS NULL))
) STRICT;
-- The store's part of the rules: identifiers and authentication codes are unique among an organisation's tokens.
CREATE UNIQUE INDEX access_tokens_identifier ON access_tokens (org_id, identifier)
    WHERE identifier IS NOT NULL AND deleted_at IS NULL;
CREATE UNIQUE INDEX access_tokens_authentication_code ON access_tokens (org_id, authentication_code_lookup)
    WHERE deleted_at IS NULL;
CREATE INDEX access_tokens_by_accounts_receivable ON access_tokens (accounts_receivable_id)
    WHERE accounts_receivable_id IS NOT NULL;

-- Operator sessions are API tokens (hashed the same way, no permission: they may sync and read the offline bundle)
-- that name the access token they were signed in with, and expire.
ALTER TABLE api_tokens ADD COLUMN access_token_id INTEGER REFERENCES access_tokens (id);
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;

-- The operator (access token number, in the redemption's organisation) whose session synced the redemption.
ALTER TABLE redemptions ADD COLUMN operator INTEGER;
