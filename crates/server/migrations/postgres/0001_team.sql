-- Marginalia's team store (PostgreSQL). Times are milliseconds since the Unix
-- epoch (UTC); ids are 64-bit. The SQLite migration of the same number
-- creates the same tables, columns and constraints.

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL
);

-- A signed-in browser: the cookie carries the secret, the row its SHA-256.
CREATE TABLE sessions (
    secret_sha256 TEXT    PRIMARY KEY,
    user_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf          TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL
);

-- For the CLI and CMS back ends: `Authorization: Bearer <token>`.
CREATE TABLE api_tokens (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_sha256 TEXT    NOT NULL UNIQUE,
    label         TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL
);

-- Failed sign-ins, for the rate limit (kept by the database, so that every
-- instance behind a load balancer counts the same).
CREATE TABLE signin_failures (
    name TEXT   NOT NULL,
    at   BIGINT NOT NULL
);
CREATE INDEX signin_failures_name_at ON signin_failures (name, at);

-- `overlap`: how many annotators each document goes to; 0 means everyone.
CREATE TABLE projects (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    schema_json TEXT    NOT NULL,
    guidelines  TEXT    NOT NULL,
    overlap     BIGINT  NOT NULL CHECK (overlap >= 0),
    abandon_ms  BIGINT  NOT NULL CHECK (abandon_ms > 0),
    created_at  BIGINT  NOT NULL
);

CREATE TABLE members (
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT   NOT NULL CHECK (role IN ('admin', 'annotator', 'reviewer')),
    PRIMARY KEY (project_id, user_id)
);

-- A link that makes its first user a member; used once.
CREATE TABLE invitations (
    secret_sha256 TEXT   PRIMARY KEY,
    project_id    BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    role          TEXT   NOT NULL CHECK (role IN ('admin', 'annotator', 'reviewer')),
    created_by    BIGINT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    used_by       BIGINT REFERENCES users (id),
    used_at       BIGINT
);

-- A document's text is kept whole; `sha256` (of the text) recognises a
-- re-import. `record_json` is the saved-JSON record it came with (its
-- annotations are pre-annotations), or NULL.
CREATE TABLE documents (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    external_id TEXT   NOT NULL,
    title       TEXT   NOT NULL,
    text        TEXT   NOT NULL,
    sha256      TEXT   NOT NULL,
    record_json TEXT,
    created_at  BIGINT NOT NULL,
    UNIQUE (project_id, sha256)
);

-- Who has a document. `slot` (1..overlap) is what the overlap counts: two
-- claims of one slot cannot both commit. An expired claim gives its slot
-- up (NULL); an annotator never gets one document twice.
CREATE TABLE assignments (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    slot        BIGINT,
    state       TEXT   NOT NULL CHECK (state IN ('open', 'done', 'skipped', 'flagged', 'expired')),
    note        TEXT   NOT NULL DEFAULT '',
    claimed_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (document_id, user_id),
    UNIQUE (document_id, slot)
);
CREATE INDEX assignments_user_state ON assignments (project_id, user_id, state);

-- Every accepted save, never overwritten: revision n+1 of one annotator's
-- work on one document can be written once only.
CREATE TABLE saves (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id    BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    document_id   BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users (id),
    revision      BIGINT NOT NULL CHECK (revision >= 1),
    body          TEXT   NOT NULL,
    restored_from BIGINT,
    created_at    BIGINT NOT NULL,
    UNIQUE (document_id, user_id, revision)
);

-- Gold versions: a reviewer's decision from everyone's saves, one
-- revision sequence per document whoever writes it, never overwritten.
CREATE TABLE gold_saves (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    revision    BIGINT NOT NULL CHECK (revision >= 1),
    body        TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (document_id, revision)
);

CREATE TABLE audit_log (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         BIGINT NOT NULL,
    user_id    BIGINT,
    project_id BIGINT,
    action     TEXT   NOT NULL,
    detail     TEXT   NOT NULL
);

-- One-time events of the whole server: 'first_admin' is claimed by the
-- first account, so two first sign-ups at once cannot both become admin.
CREATE TABLE server_flags (
    name TEXT   PRIMARY KEY,
    at   BIGINT NOT NULL
);
