-- The cryo-store: containers nest (site → tank → canister → goblet, freezer → rack → box); items
-- (samples: straws, vials, tubes) sit at numbered positions of the containers that hold items.
CREATE TABLE storage_containers (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES storage_containers(id),
    kind TEXT NOT NULL CHECK (kind IN ('site', 'room', 'tank', 'canister', 'goblet', 'cane', 'freezer', 'rack', 'box')),
    name TEXT NOT NULL,
    -- Holding containers (goblet, cane, box) have positions 1…rows×columns; others have 0×0.
    rows INTEGER NOT NULL DEFAULT 0 CHECK (rows >= 0 AND rows <= 100),
    columns INTEGER NOT NULL DEFAULT 0 CHECK (columns >= 0 AND columns <= 100),
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- Names are unique among siblings; top-level containers (no parent) are siblings too.
CREATE UNIQUE INDEX storage_containers_name ON storage_containers (COALESCE(parent_id, 0), name);
CREATE INDEX storage_containers_parent ON storage_containers (parent_id, name);

ALTER TABLE samples ADD COLUMN container_id INTEGER REFERENCES storage_containers(id);
ALTER TABLE samples ADD COLUMN position INTEGER;
-- A position never holds two items: the database refuses it, whatever the code does.
CREATE UNIQUE INDEX samples_position ON samples (container_id, position) WHERE container_id IS NOT NULL;

-- Liquid-nitrogen fills and level readings per tank.
CREATE TABLE tank_fills (
    id INTEGER PRIMARY KEY,
    container_id INTEGER NOT NULL REFERENCES storage_containers(id),
    filled_at TEXT NOT NULL,
    level_before_cm REAL,
    level_after_cm REAL,
    litres REAL,
    user_id INTEGER REFERENCES users(id),
    by_name TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tank_fills_container ON tank_fills (container_id, filled_at);
