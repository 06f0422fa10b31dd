-- Device enrolment codes: one-time and expiring. Only a keyed hash of the code is kept (`code_lookup`, HMAC under a
-- key derived from the master key, in its own domain), so a copy of the database cannot enrol anything. A device has
-- at most one unused code: issuing a new one deletes the old.
CREATE TABLE enrolment_codes (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    device_id   INTEGER NOT NULL REFERENCES devices (id),
    code_lookup BLOB    NOT NULL UNIQUE CHECK (length(code_lookup) = 32),
    created_by  INTEGER REFERENCES api_tokens (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) STRICT;
CREATE INDEX enrolment_codes_by_device ON enrolment_codes (device_id);
