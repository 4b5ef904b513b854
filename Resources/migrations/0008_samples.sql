-- Animals (the biobank issue extends them) and samples, per ../shared/contracts/samples-api.md.
CREATE TABLE animals (
    id INTEGER PRIMARY KEY,
    species TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    sex TEXT NOT NULL DEFAULT 'unknown' CHECK (sex IN ('female', 'male', 'unknown')),
    breed TEXT NOT NULL DEFAULT '',
    birth_date TEXT,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE samples (
    id INTEGER PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    species TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    animal_id INTEGER REFERENCES animals(id),
    collected_at TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- Filtered lists page by ascending id, so every filter index ends in id.
CREATE INDEX samples_species_status ON samples (species, status, id);
CREATE INDEX samples_kind_status ON samples (kind, status, id);
CREATE INDEX samples_status ON samples (status, id);
CREATE INDEX samples_animal ON samples (animal_id);
