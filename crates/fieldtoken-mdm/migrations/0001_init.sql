-- Organisations own everything else: tokens, fleets, devices and keys never cross between them.
CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL -- milliseconds since the Unix epoch, UTC
) STRICT;
