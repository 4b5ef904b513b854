-- More of the sample record, and lineage: a sample can be an aliquot or derivative of another, or
-- a pool of several.
ALTER TABLE samples ADD COLUMN collected_by TEXT NOT NULL DEFAULT '';
ALTER TABLE samples ADD COLUMN quantity REAL CHECK (quantity IS NULL OR quantity >= 0);
ALTER TABLE samples ADD COLUMN unit TEXT NOT NULL DEFAULT '';
ALTER TABLE samples ADD COLUMN doses INTEGER CHECK (doses IS NULL OR doses >= 0);
ALTER TABLE samples ADD COLUMN freeze_thaw_count INTEGER NOT NULL DEFAULT 0 CHECK (freeze_thaw_count >= 0);

CREATE TABLE sample_links (
    child_id INTEGER NOT NULL REFERENCES samples(id),
    parent_id INTEGER NOT NULL REFERENCES samples(id),
    relation TEXT NOT NULL CHECK (relation IN ('aliquot', 'derivative', 'pool')),
    PRIMARY KEY (child_id, parent_id),
    CHECK (child_id <> parent_id)
);
CREATE INDEX sample_links_parent ON sample_links (parent_id);
