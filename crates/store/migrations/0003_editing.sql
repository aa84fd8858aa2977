-- Editing: what the public sees of each record, review dates, a counter of changes for
-- readers such as the search index, and submissions from the public.

-- The revision the public sees, and as what. A saved change leaves a record in draft while
-- the public goes on seeing its last published revision, until a reviewer publishes the
-- change (four eyes on every public change). NULL: never published, not public.
ALTER TABLE interventions ADD COLUMN published_revision INTEGER;
ALTER TABLE interventions ADD COLUMN public_status TEXT
    CHECK (public_status IS NULL OR public_status IN ('published', 'discontinued'));
UPDATE interventions SET published_revision = current_revision, public_status = status
    WHERE status IN ('published', 'discontinued');

-- When an editor last confirmed the record unchanged ("reviewed, no change").
ALTER TABLE interventions ADD COLUMN reviewed_at TEXT;

-- Grows with every change to a row's content or status, so a reader can ask for everything
-- changed since the last number it saw (revision ids alone miss status changes).
-- SQLite: a one-row table and triggers; PostgreSQL: a SEQUENCE and nextval() in the triggers.
ALTER TABLE interventions ADD COLUMN change_id INTEGER NOT NULL DEFAULT 0;
CREATE TABLE change_counter (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
-- Starting at the newest revision id keeps search indexes saved before this migration valid.
INSERT INTO change_counter (id, value) VALUES (1, COALESCE((SELECT MAX(id) FROM revisions), 0));
UPDATE interventions SET change_id = COALESCE(
    (SELECT MAX(r.id) FROM revisions r WHERE r.intervention_id = interventions.id), 0);
CREATE INDEX interventions_by_change ON interventions (change_id);

CREATE TRIGGER interventions_change_on_insert
AFTER INSERT ON interventions
BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE interventions SET change_id = (SELECT value FROM change_counter WHERE id = 1)
        WHERE id = NEW.id;
END;

CREATE TRIGGER interventions_change_on_update
AFTER UPDATE OF current_revision, status, public_status, published_revision ON interventions
BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE interventions SET change_id = (SELECT value FROM change_counter WHERE id = 1)
        WHERE id = NEW.id;
END;

-- Proposals from the public (/submit): a new service or a correction to a record. Kept as
-- sent; an editor turns one into a draft or rejects it with a reason.
CREATE TABLE submissions (
    id              INTEGER PRIMARY KEY,
    received_at     TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('new_service', 'correction')),
    -- The record a correction is about.
    record_slug     TEXT,
    service_name    TEXT    NOT NULL,
    organisation    TEXT,
    details         TEXT    NOT NULL,
    -- Optional, only to reply; never shown on a public page.
    contact_name    TEXT,
    contact_email   TEXT,
    state           TEXT    NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'accepted', 'rejected')),
    resolved_at     TEXT,
    resolved_by     INTEGER REFERENCES users (id),
    -- Why it was rejected (shown to staff), or the draft it became.
    reason          TEXT,
    draft_slug      TEXT,
    CHECK ((kind = 'correction') = (record_slug IS NOT NULL)),
    CHECK ((state = 'pending') = (resolved_at IS NULL))
);

CREATE INDEX submissions_by_state ON submissions (state, id);

-- Submissions per client, for the rate limit: a keyed hash of the address (as for sign-ins),
-- kept a day at most, never the address.
CREATE TABLE submission_attempts (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    client_key TEXT NOT NULL
);

CREATE INDEX submission_attempts_by_client ON submission_attempts (client_key, at);
