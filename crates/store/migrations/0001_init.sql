-- Preventory's first schema: records, their immutable revisions, and the facet values SQL
-- counts by. Later migrations add record lifecycle status, users and the audit log.

-- The current version of every record: the columns lists sort and filter by, and which
-- revision is current. The record itself (its JSON, as serde writes it) lives in `revisions`,
-- once: writing it twice doubled the cost of large imports.
CREATE TABLE interventions (
    id                     INTEGER PRIMARY KEY,
    slug                   TEXT    NOT NULL UNIQUE,
    title                  TEXT    NOT NULL,
    current_revision       INTEGER NOT NULL CHECK (current_revision >= 1),
    needs_review           INTEGER NOT NULL DEFAULT 0 CHECK (needs_review IN (0, 1)),
    rating                 TEXT,
    information_correct_at TEXT,
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL,
    -- BLAKE3 of the current revision's JSON: lets an import tell changed records from
    -- unchanged ones inside SQLite, while the JSON itself is stored once, in `revisions`.
    content_hash           BLOB    NOT NULL
);

-- The record list is read in title order.
CREATE INDEX interventions_by_title ON interventions (title COLLATE NOCASE, slug);

-- Every version a record has had. Without ON DELETE CASCADE on purpose: a record with history
-- cannot be deleted, only (later) withdrawn.
CREATE TABLE revisions (
    id              INTEGER PRIMARY KEY,
    intervention_id INTEGER NOT NULL REFERENCES interventions (id),
    number          INTEGER NOT NULL CHECK (number >= 1),
    author          TEXT    NOT NULL,
    summary         TEXT    NOT NULL,
    source          TEXT,
    created_at      TEXT    NOT NULL,
    record_json     TEXT    NOT NULL,
    UNIQUE (intervention_id, number)
);

-- History is evidence of who changed what: the database itself refuses to rewrite it, whatever
-- the code above it does.
CREATE TRIGGER revisions_are_immutable_update
BEFORE UPDATE ON revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions are immutable');
END;

CREATE TRIGGER revisions_are_immutable_delete
BEFORE DELETE ON revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions are immutable');
END;

-- One row per (record, facet, value id), so facet counts are plain SQL and do not depend on
-- any search index. Rebuilt for a record whenever its content changes.
CREATE TABLE facet_values (
    intervention_id INTEGER NOT NULL REFERENCES interventions (id) ON DELETE CASCADE,
    facet           TEXT    NOT NULL,
    value           TEXT    NOT NULL,
    PRIMARY KEY (intervention_id, facet, value)
) WITHOUT ROWID;

-- Counting and filtering go by facet value; the primary key columns ride along, so the index
-- covers those queries.
CREATE INDEX facet_values_by_value ON facet_values (facet, value);
