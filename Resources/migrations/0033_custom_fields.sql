-- Custom fields (decision 0043): fields an admin defines per record type (and species) and their
-- values, one typed row per record and field, so a new field is a row here and never a schema change.
CREATE TABLE custom_fields (
    id INTEGER PRIMARY KEY,
    entity_type TEXT NOT NULL CHECK (entity_type IN ('animal', 'customer', 'sample')),
    -- Only animals and samples have a species; NULL: every species.
    species TEXT CHECK (species IS NULL OR entity_type IN ('animal', 'sample')),
    -- The name in the API's "custom_fields" object and in CSV headers; never changes.
    key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 40 AND key GLOB '[a-z]*' AND key NOT GLOB '*[^a-z0-9_]*'),
    label TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('text', 'number', 'date', 'choice')),
    unit TEXT NOT NULL DEFAULT '',
    -- A choice field's options, one per line, in the order forms offer them.
    choices TEXT NOT NULL DEFAULT '',
    required INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    minimum REAL,
    maximum REAL,
    max_length INTEGER NOT NULL DEFAULT 200 CHECK (max_length BETWEEN 1 AND 2000),
    position INTEGER NOT NULL DEFAULT 0,
    -- An archived field is no longer offered or changed; its values stay.
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (entity_type, key)
);

-- One value of one field on one record, in the column of the field's kind (text and choice in
-- value_text, dates as YYYY-MM-DD). An empty value is no row.
CREATE TABLE custom_field_values (
    id INTEGER PRIMARY KEY,
    entity_type TEXT NOT NULL CHECK (entity_type IN ('animal', 'customer', 'sample')),
    entity_id INTEGER NOT NULL,
    field_id INTEGER NOT NULL REFERENCES custom_fields(id),
    value_text TEXT,
    value_number REAL,
    value_date TEXT CHECK (value_date IS NULL OR value_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    CHECK ((value_text IS NOT NULL) + (value_number IS NOT NULL) + (value_date IS NOT NULL) = 1),
    UNIQUE (entity_type, entity_id, field_id)
);
CREATE INDEX custom_field_values_by_field ON custom_field_values (field_id, value_text, value_number, value_date);

-- Text and choice values in the full-text search, each hit leading to its record.
CREATE VIRTUAL TABLE custom_field_values_fts USING fts5(
    value_text, content = 'custom_field_values', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER custom_field_values_fts_insert AFTER INSERT ON custom_field_values WHEN new.value_text IS NOT NULL BEGIN
    INSERT INTO custom_field_values_fts (rowid, value_text) VALUES (new.id, new.value_text);
END;
CREATE TRIGGER custom_field_values_fts_delete AFTER DELETE ON custom_field_values WHEN old.value_text IS NOT NULL BEGIN
    INSERT INTO custom_field_values_fts (custom_field_values_fts, rowid, value_text) VALUES ('delete', old.id, old.value_text);
END;
CREATE TRIGGER custom_field_values_fts_update AFTER UPDATE OF value_text ON custom_field_values BEGIN
    INSERT INTO custom_field_values_fts (custom_field_values_fts, rowid, value_text)
    SELECT 'delete', old.id, old.value_text WHERE old.value_text IS NOT NULL;
    INSERT INTO custom_field_values_fts (rowid, value_text) SELECT new.id, new.value_text WHERE new.value_text IS NOT NULL;
END;
