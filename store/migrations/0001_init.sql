-- Reference data: loaded from firms/refdata at start-up (store.SyncReference).
CREATE TABLE wards (
    code                 TEXT PRIMARY KEY,
    kind                 TEXT NOT NULL CHECK (kind IN ('ward', 'commune')),
    name                 TEXT NOT NULL,
    former_district_code TEXT NOT NULL,
    former_district_name TEXT NOT NULL,
    province_code        TEXT NOT NULL DEFAULT '79',
    former_province_code TEXT NOT NULL DEFAULT '74'
) WITHOUT ROWID;

CREATE TABLE parks (
    code      TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    ward_code TEXT NOT NULL REFERENCES wards (code),
    active    INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

CREATE TABLE industries (
    version TEXT NOT NULL,
    code    TEXT NOT NULL,
    section TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    PRIMARY KEY (version, code)
) WITHOUT ROWID;

CREATE TABLE associations (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name_vi    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    demo       INTEGER NOT NULL DEFAULT 0,
    created_at DATETIME NOT NULL
);

-- The registry. VSIC, ward and size inputs are NULL only for a firm that
-- registered itself and has not completed its profile.
CREATE TABLE firms (
    id           INTEGER PRIMARY KEY,
    tax_code     TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    name_folded  TEXT NOT NULL,
    search_key   TEXT NOT NULL,
    vsic_version TEXT NOT NULL DEFAULT '2018',
    vsic_code    TEXT,
    section      TEXT,
    ward_code    TEXT REFERENCES wards (code),
    park_code    TEXT REFERENCES parks (code),
    employees    INTEGER,
    revenue_vnd  INTEGER,
    capital_vnd  INTEGER,
    size_year    INTEGER,
    size_class   TEXT CHECK (size_class IN ('micro', 'small', 'medium', 'large')),
    demo         INTEGER NOT NULL DEFAULT 0,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);
-- Lists sort by search_key (the name without its legal form), so "Công ty
-- Cổ phần X" and "Công ty TNHH Y" interleave by X and Y.
CREATE INDEX firms_name_idx ON firms (search_key, id);
CREATE INDEX firms_ward_idx ON firms (ward_code, search_key);
CREATE INDEX firms_size_idx ON firms (size_class, search_key);
CREATE INDEX firms_ward_size_idx ON firms (ward_code, size_class, search_key);

-- Word index for search: the folded name without its legal form
-- (firms.SearchKey), so "công ty" does not match every firm. The store keeps
-- it in step (no triggers): a trigger makes FTS5 flush at every row's
-- statement savepoint, which tripled bulk import time; bulk writes rebuild
-- the index once instead.
CREATE VIRTUAL TABLE firms_fts USING fts5 (search_key, content = 'firms', content_rowid = 'id');

CREATE TABLE firm_associations (
    firm_id        INTEGER NOT NULL REFERENCES firms (id) ON DELETE CASCADE,
    association_id INTEGER NOT NULL REFERENCES associations (id) ON DELETE CASCADE,
    since          DATETIME NOT NULL,
    PRIMARY KEY (firm_id, association_id)
) WITHOUT ROWID;
CREATE INDEX firm_associations_assoc_idx ON firm_associations (association_id, firm_id);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL DEFAULT '',
    role           TEXT NOT NULL CHECK (role IN ('firm', 'lead', 'advisor', 'admin')),
    status         TEXT NOT NULL CHECK (status IN ('active', 'pending', 'disabled')),
    firm_id        INTEGER REFERENCES firms (id) ON DELETE CASCADE,
    association_id INTEGER REFERENCES associations (id),
    lang           TEXT NOT NULL DEFAULT 'vi',
    password_hash  TEXT NOT NULL,
    created_at     DATETIME NOT NULL,
    CHECK (role <> 'firm' OR firm_id IS NOT NULL),
    CHECK (role <> 'lead' OR association_id IS NOT NULL)
);
CREATE INDEX users_firm_idx ON users (firm_id);

-- Server-side sessions. Only a SHA-256 of the cookie token is stored, so a
-- copy of the database does not hand out live sessions.
CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expiry_idx ON sessions (expires_at);

-- A firm's contact person: personal data, held only with a recorded consent.
CREATE TABLE contacts (
    firm_id         INTEGER PRIMARY KEY REFERENCES firms (id) ON DELETE CASCADE,
    full_name       TEXT NOT NULL,
    title           TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    consent_version TEXT NOT NULL,
    consent_at      DATETIME NOT NULL,
    consent_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at      DATETIME NOT NULL
);

-- Consent events outlive the data they were about: no personal data here.
CREATE TABLE consent_events (
    id           INTEGER PRIMARY KEY,
    firm_id      INTEGER NOT NULL REFERENCES firms (id) ON DELETE CASCADE,
    subject      TEXT NOT NULL,
    event        TEXT NOT NULL CHECK (event IN ('given', 'updated', 'erased')),
    text_version TEXT NOT NULL,
    user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    at           DATETIME NOT NULL
);
CREATE INDEX consent_events_firm_idx ON consent_events (firm_id, at);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      DATETIME NOT NULL,
    user_id INTEGER,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
