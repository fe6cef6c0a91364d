-- API keys of the IOC feed (issue 16, point 4): issued and revoked by the
-- Center's admin, read-only access to open data under /api/v1. Only the
-- key's SHA-256 is kept (auth/apikey.go says why no slow hash), and its
-- first characters in clear to name it in lists and find its row.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    prefix       TEXT NOT NULL UNIQUE,          -- dxr_ + 8 characters of the key
    secret_hash  BLOB NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
    name         TEXT NOT NULL CHECK (name <> ''),
    owner        TEXT NOT NULL,                 -- who it is for: a note
    scope        TEXT NOT NULL CHECK (scope IN ('indicators:read')),
    created_by   INTEGER REFERENCES users (id),
    created_at   DATETIME NOT NULL,
    last_used_at DATETIME,                      -- written at most once a minute a key
    revoked_at   DATETIME
);
