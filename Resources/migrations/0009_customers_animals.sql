-- Customers, and the rest of the animal record: owner, status, parents, identifiers, soft delete.
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('organisation', 'person')),
    name TEXT NOT NULL,
    contact_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    vat_id TEXT NOT NULL DEFAULT '',
    billing_email TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX customers_live ON customers (deleted_at, id);

ALTER TABLE animals ADD COLUMN owner_id INTEGER REFERENCES customers(id);
ALTER TABLE animals ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'sold', 'deceased'));
ALTER TABLE animals ADD COLUMN sire_id INTEGER REFERENCES animals(id);
ALTER TABLE animals ADD COLUMN dam_id INTEGER REFERENCES animals(id);
ALTER TABLE animals ADD COLUMN deleted_at TEXT;
CREATE INDEX animals_live ON animals (deleted_at, id);
CREATE INDEX animals_owner ON animals (owner_id);
CREATE INDEX animals_sire ON animals (sire_id);
CREATE INDEX animals_dam ON animals (dam_id);

-- Registration numbers, microchips and ear tags: unique per species and type.
CREATE TABLE animal_identifiers (
    id INTEGER PRIMARY KEY,
    animal_id INTEGER NOT NULL REFERENCES animals(id),
    species TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('registration', 'microchip', 'ear_tag')),
    value TEXT NOT NULL,
    UNIQUE (species, type, value)
);
CREATE INDEX animal_identifiers_animal ON animal_identifiers (animal_id);
