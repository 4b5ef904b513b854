-- The document library (issue 24 part 3, decision 0042): SOPs, protocols and media recipes, each a
-- series of versions. A version's text never changes once written; a new version is a new row.
-- Approving a version (an e-signature, meaning "approved") puts it in force and supersedes the
-- version that was in force; the others stay as they were written.

-- A document as the library lists it: its title, collection and tags are those of its version in
-- force, or of its latest version while none is in force.
CREATE TABLE library_documents (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    collection TEXT NOT NULL DEFAULT '' CHECK (length(collection) <= 100),
    -- Lower-case tags, comma-separated without spaces ("ivf,media"): a tag is found as ",tag,".
    tags TEXT NOT NULL DEFAULT '' CHECK (length(tags) <= 1000),
    in_force_version_id INTEGER,
    in_force_number INTEGER,
    latest_number INTEGER NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX library_documents_collection ON library_documents (collection, id);
CREATE INDEX library_documents_title ON library_documents (title, id);

CREATE TABLE library_versions (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES library_documents(id),
    number INTEGER NOT NULL CHECK (number >= 1),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    collection TEXT NOT NULL DEFAULT '' CHECK (length(collection) <= 100),
    tags TEXT NOT NULL DEFAULT '' CHECK (length(tags) <= 1000),
    body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 100000),
    change_note TEXT NOT NULL DEFAULT '' CHECK (length(change_note) <= 1000),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_force', 'superseded')),
    author TEXT NOT NULL,
    author_id INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    approved_by TEXT,
    approved_by_id INTEGER REFERENCES users(id),
    approved_at TEXT,
    superseded_at TEXT,
    UNIQUE (document_id, number)
);
-- One version in force per document, whatever the code does.
CREATE UNIQUE INDEX library_versions_in_force ON library_versions (document_id) WHERE status = 'in_force';

-- What was written stays as written: only the status and its approval may change, and no
-- version is ever deleted.
CREATE TRIGGER library_versions_text_fixed BEFORE UPDATE OF document_id, number, title, collection, tags, body,
    change_note, author, author_id, created_at ON library_versions
BEGIN SELECT RAISE(ABORT, 'a library version''s text is never changed; write a new version'); END;
CREATE TRIGGER library_versions_kept BEFORE DELETE ON library_versions
BEGIN SELECT RAISE(ABORT, 'library versions are kept'); END;
CREATE TRIGGER library_documents_kept BEFORE DELETE ON library_documents
BEGIN SELECT RAISE(ABORT, 'library documents are kept'); END;

-- Full-text search over every version as written (a version's text never changes, so it is
-- indexed once, when it is written); searches look at each document's current version.
CREATE VIRTUAL TABLE library_fts USING fts5(title, collection, tags, body, tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER library_fts_insert AFTER INSERT ON library_versions BEGIN
    INSERT INTO library_fts (rowid, title, collection, tags, body)
    VALUES (new.id, new.title, new.collection, new.tags, new.body);
END;
