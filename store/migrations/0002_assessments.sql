-- Instrument versions in use, with the hash of their file: a version that
-- responses use must never change (store.CheckInstruments).
CREATE TABLE instruments (
    key           TEXT PRIMARY KEY, -- "dbi-2021@1"
    hash          TEXT NOT NULL,
    first_used_at DATETIME NOT NULL
) WITHOUT ROWID;

-- A firm's assessments. At most one draft per firm; submitted ones are immutable.
CREATE TABLE responses (
    id           INTEGER PRIMARY KEY,
    firm_id      INTEGER NOT NULL REFERENCES firms (id) ON DELETE CASCADE,
    instrument   TEXT NOT NULL REFERENCES instruments (key),
    status       TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    section      TEXT NOT NULL DEFAULT '',
    size_class   TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL,
    submitted_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    submitted_at DATETIME,
    overall      REAL,
    level        INTEGER
);
CREATE UNIQUE INDEX responses_one_draft_idx ON responses (firm_id) WHERE status = 'draft';
CREATE INDEX responses_firm_idx ON responses (firm_id, status, submitted_at);

-- The current answer to each question; options is a JSON array of option IDs.
CREATE TABLE answers (
    response_id INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question    TEXT NOT NULL,
    options     TEXT NOT NULL,
    updated_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at  DATETIME NOT NULL,
    PRIMARY KEY (response_id, question)
) WITHOUT ROWID;

-- Who changed which answer when (several users of a firm share one draft).
CREATE TABLE answer_events (
    id          INTEGER PRIMARY KEY,
    response_id INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question    TEXT NOT NULL,
    options     TEXT NOT NULL,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    at          DATETIME NOT NULL
);
CREATE INDEX answer_events_response_idx ON answer_events (response_id, at);

CREATE TABLE pillar_scores (
    response_id INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    pillar      TEXT NOT NULL,
    score       REAL NOT NULL,
    scored      INTEGER NOT NULL,
    PRIMARY KEY (response_id, pillar)
) WITHOUT ROWID;

-- Each firm's latest submitted response, kept on submit, so aggregates read
-- one row per firm (68,000), not the whole history.
CREATE TABLE current_results (
    firm_id      INTEGER PRIMARY KEY REFERENCES firms (id) ON DELETE CASCADE,
    response_id  INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    instrument   TEXT NOT NULL,
    submitted_at DATETIME NOT NULL,
    overall      REAL NOT NULL,
    level        INTEGER NOT NULL
);
CREATE INDEX current_results_level_idx ON current_results (level, overall);

-- Industry comparisons pick firms by VSIC division (code prefix).
CREATE INDEX firms_vsic_idx ON firms (vsic_code);
