-- Custom roles and users (issue 5). A role is an organisation's name for any subset of permissions (stable names
-- separated by spaces, as in api_tokens); a user has exactly one role. An API token issued for a user names it
-- (`api_tokens.user_id`) and acts with its own permissions intersected with its user's role's, read at every
-- request, so a changed role applies at once. A role that users hold is not deleted (the API refuses it).
CREATE TABLE roles (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    name        TEXT    NOT NULL,
    permissions TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (org_id, name)
) STRICT;

CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organisations (id),
    name       TEXT    NOT NULL,
    role_id    INTEGER NOT NULL REFERENCES roles (id),
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, name)
) STRICT;
CREATE INDEX users_by_role ON users (role_id);

ALTER TABLE api_tokens ADD COLUMN user_id INTEGER REFERENCES users (id);
