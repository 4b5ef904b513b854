-- Genotypes for parentage: a panel names its markers once, in order; an animal's genotype on the
-- panel is two allele bytes per marker in that order ('0' = no call), so a 50k chip costs 100 kB
-- per animal instead of 50k rows.
CREATE TABLE genotype_panels (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- Marker ids separated by newlines; an import that brings new markers appends them.
    markers TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE genotypes (
    id INTEGER PRIMARY KEY,
    animal_id INTEGER NOT NULL REFERENCES animals(id),
    panel_id INTEGER NOT NULL REFERENCES genotype_panels(id),
    calls BLOB NOT NULL,
    -- SHA-256 of calls: the audit trail stores this instead of the blob.
    calls_sha256 TEXT NOT NULL,
    markers_typed INTEGER NOT NULL CHECK (markers_typed >= 0),
    markers_called INTEGER NOT NULL CHECK (markers_called BETWEEN 0 AND markers_typed),
    source TEXT NOT NULL DEFAULT '',
    imported_at TEXT NOT NULL,
    UNIQUE (animal_id, panel_id)
);
CREATE INDEX genotypes_panel ON genotypes (panel_id);
