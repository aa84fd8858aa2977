-- Staff accounts, their sessions, sign-in throttling, the audit log, and the lifecycle status
-- of records.
--
-- Kept to SQL a later PostgreSQL adapter can take almost as it is; what is SQLite's own is
-- marked "SQLite:" with what PostgreSQL would use instead. Timestamps are RFC 3339 UTC text
-- with a fixed six-digit fraction, as in 0001, so they compare correctly as text.

-- Staff accounts. Never deleted (the audit log and records point at them): disabled instead.
CREATE TABLE users (
    -- SQLite: an alias of the rowid; PostgreSQL: BIGINT GENERATED ALWAYS AS IDENTITY.
    id            INTEGER PRIMARY KEY,
    -- Normalised by the application (trimmed, lower-cased).
    email         TEXT    NOT NULL CHECK (email <> ''),
    -- An argon2id PHC string; never a password.
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'reviewer', 'provider')),
    -- The organisation whose records a provider may propose changes to; only providers.
    organisation  TEXT,
    -- SQLite: 0/1 in an INTEGER; PostgreSQL: BOOLEAN.
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT    NOT NULL,
    CHECK ((role = 'provider') = (organisation IS NOT NULL))
);

-- One account per address whatever its case. The application stores addresses lower-cased
-- already; SQLite's lower() only folds ASCII, PostgreSQL's folds every letter.
CREATE UNIQUE INDEX users_by_email ON users (lower(email));

-- Signed-in sessions. The token itself is never stored: only its BLAKE3 hash, so a copy of
-- the database (a backup) cannot be used to take over a session.
CREATE TABLE sessions (
    token_hash           TEXT    PRIMARY KEY,
    user_id              INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token           TEXT    NOT NULL,
    created_at           TEXT    NOT NULL,
    last_seen_at         TEXT    NOT NULL,
    expires_at           TEXT    NOT NULL,
    -- Without a request for this long the session ends.
    idle_timeout_seconds INTEGER NOT NULL CHECK (idle_timeout_seconds > 0)
);

CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Failed sign-ins, for throttling per account and per client. Only failures within the
-- longest window are kept, and a successful sign-in forgets its account's failures. Both keys
-- are keyed BLAKE3 hashes (the key is in `secrets`): no address and no typed account name is
-- kept in clear.
CREATE TABLE login_attempts (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    account_key TEXT    NOT NULL,
    client_key  TEXT    NOT NULL
);

CREATE INDEX login_attempts_by_account ON login_attempts (account_key, at);
CREATE INDEX login_attempts_by_client ON login_attempts (client_key, at);
CREATE INDEX login_attempts_by_time ON login_attempts (at);

-- Random secrets the application makes on first use (the throttle's hash key).
CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Who did what, when: every account change, sign-in, failed sign-in and status change.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            TEXT    NOT NULL,
    -- 'user' (with actor_user_id), 'cli', 'import' or 'anonymous'.
    actor         TEXT    NOT NULL CHECK (actor IN ('user', 'cli', 'import', 'anonymous')),
    actor_user_id INTEGER REFERENCES users (id),
    action        TEXT    NOT NULL,
    -- 'user:12', 'intervention:some-slug', 'login', …
    subject       TEXT    NOT NULL,
    -- A JSON object. PostgreSQL: JSONB.
    detail        TEXT    NOT NULL DEFAULT '{}',
    CHECK ((actor = 'user') = (actor_user_id IS NOT NULL))
);

CREATE INDEX audit_log_by_subject ON audit_log (subject, id);
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE INDEX audit_log_by_actor ON audit_log (actor_user_id, id);

-- Like revisions, the audit log is evidence: the database itself refuses to rewrite it.
-- SQLite: RAISE in a trigger body; PostgreSQL: a trigger function that raises an exception.
CREATE TRIGGER audit_log_is_append_only_update
BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_is_append_only_delete
BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Where each record is in its life. Records stored before this migration were public, so
-- they stay published.
ALTER TABLE interventions ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('draft', 'in_review', 'published', 'discontinued'));

-- The account that last changed a record's content (four eyes: they may not publish it);
-- NULL when no account did (imports).
ALTER TABLE interventions ADD COLUMN last_author INTEGER REFERENCES users (id);

CREATE INDEX interventions_by_status ON interventions (status);
