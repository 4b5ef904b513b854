-- What the store holds, counted in the transaction that changes a sample (decision 0044): the
-- storage pages and the inventory read these few thousand rows instead of counting up to a million
-- samples on every view (955 ms and 262 ms on 1,000,000 samples, docs/BENCHMARKS.md). Triggers keep
-- them, so every write counts: the API, imports, the command line and an erasure alike.

-- Every container's ancestors and itself: storage containers are only ever added (none moves, and
-- the trigger below keeps it so), so a new one inherits its parent's line.
CREATE TABLE container_ancestors (
    container_id INTEGER NOT NULL,
    ancestor_id INTEGER NOT NULL,
    PRIMARY KEY (container_id, ancestor_id)
) WITHOUT ROWID;
-- Per container, what it and everything below it hold: items, doses (an item without a dose count
-- counts as one) and positions.
CREATE TABLE container_stock (
    container_id INTEGER PRIMARY KEY,
    items INTEGER NOT NULL,
    doses INTEGER NOT NULL,
    capacity INTEGER NOT NULL
);
-- Stored items and doses per animal and kind: the inventory by sire and by customer.
CREATE TABLE animal_stock (
    animal_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    items INTEGER NOT NULL,
    doses INTEGER NOT NULL,
    PRIMARY KEY (animal_id, kind)
) WITHOUT ROWID;
-- Samples registered per quarter hour of created_at (UTC, written as created_at is, so instants
-- compare with it as text): a lab day starts on a quarter hour in every time zone.
CREATE TABLE samples_received (
    quarter TEXT PRIMARY KEY,
    n INTEGER NOT NULL
) WITHOUT ROWID;
-- The inventory by tank lists the tanks.
CREATE INDEX storage_containers_kind ON storage_containers (kind);

WITH RECURSIVE up(container_id, ancestor_id) AS (
    SELECT id, id FROM storage_containers
    UNION ALL SELECT up.container_id, c.parent_id FROM up JOIN storage_containers c ON c.id = up.ancestor_id
    WHERE c.parent_id IS NOT NULL)
INSERT INTO container_ancestors (container_id, ancestor_id) SELECT container_id, ancestor_id FROM up;
INSERT INTO container_stock (container_id, items, doses, capacity)
SELECT a.ancestor_id, COALESCE(SUM(held.items), 0), COALESCE(SUM(held.doses), 0), SUM(c.rows * c.columns)
FROM container_ancestors a JOIN storage_containers c ON c.id = a.container_id
LEFT JOIN (
    SELECT container_id, COUNT(*) AS items, SUM(COALESCE(doses, 1)) AS doses FROM samples
    WHERE container_id IS NOT NULL GROUP BY container_id
) held ON held.container_id = a.container_id
GROUP BY a.ancestor_id;
INSERT INTO animal_stock (animal_id, kind, items, doses)
SELECT animal_id, kind, COUNT(*), SUM(COALESCE(doses, 1)) FROM samples
WHERE container_id IS NOT NULL AND animal_id IS NOT NULL GROUP BY animal_id, kind;
INSERT INTO samples_received (quarter, n)
SELECT substr(created_at, 1, 14) || printf('%02d', CAST(substr(created_at, 15, 2) AS INTEGER) / 15 * 15) || ':00.000',
    COUNT(*)
FROM samples GROUP BY 1;

CREATE TRIGGER storage_containers_stock_insert AFTER INSERT ON storage_containers BEGIN
    INSERT INTO container_ancestors (container_id, ancestor_id)
    SELECT new.id, new.id UNION ALL SELECT new.id, ancestor_id FROM container_ancestors WHERE container_id = new.parent_id;
    INSERT INTO container_stock (container_id, items, doses, capacity) VALUES (new.id, 0, 0, 0);
    UPDATE container_stock SET capacity = capacity + new.rows * new.columns
    WHERE container_id IN (SELECT ancestor_id FROM container_ancestors WHERE container_id = new.id);
END;
CREATE TRIGGER storage_containers_stock_resize AFTER UPDATE OF rows, columns ON storage_containers BEGIN
    UPDATE container_stock SET capacity = capacity - old.rows * old.columns + new.rows * new.columns
    WHERE container_id IN (SELECT ancestor_id FROM container_ancestors WHERE container_id = new.id);
END;
CREATE TRIGGER storage_containers_stay BEFORE UPDATE OF parent_id ON storage_containers
WHEN new.parent_id IS NOT old.parent_id BEGIN
    SELECT RAISE(ABORT, 'storage containers do not move: container_ancestors and container_stock follow the tree');
END;

-- One item entering (sign 1) or leaving (sign -1) the store: inserting a row here updates the
-- counts of its container's ancestors and of its animal and kind. A view with a trigger instead of a
-- table: the samples' triggers below each say what changed, and only this one says how to count it.
CREATE VIEW stock_changes AS
SELECT NULL AS container_id, NULL AS animal_id, NULL AS kind, NULL AS doses, NULL AS sign WHERE 0;
CREATE TRIGGER stock_changes_count INSTEAD OF INSERT ON stock_changes WHEN new.container_id IS NOT NULL BEGIN
    UPDATE container_stock SET items = items + new.sign, doses = doses + new.sign * COALESCE(new.doses, 1)
    WHERE container_id IN (SELECT ancestor_id FROM container_ancestors WHERE container_id = new.container_id);
    INSERT INTO animal_stock (animal_id, kind, items, doses)
    SELECT new.animal_id, new.kind, new.sign, new.sign * COALESCE(new.doses, 1) WHERE new.animal_id IS NOT NULL
    ON CONFLICT (animal_id, kind) DO UPDATE SET items = items + excluded.items, doses = doses + excluded.doses;
END;
-- A sample registered at created_at (sign 1) or no longer (sign -1).
CREATE VIEW received_changes AS SELECT NULL AS created_at, NULL AS sign WHERE 0;
CREATE TRIGGER received_changes_count INSTEAD OF INSERT ON received_changes BEGIN
    INSERT INTO samples_received (quarter, n)
    VALUES (
        substr(new.created_at, 1, 14) || printf('%02d', CAST(substr(new.created_at, 15, 2) AS INTEGER) / 15 * 15)
            || ':00.000',
        new.sign)
    ON CONFLICT (quarter) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER samples_stock_insert AFTER INSERT ON samples BEGIN
    INSERT INTO stock_changes VALUES (new.container_id, new.animal_id, new.kind, new.doses, 1);
    INSERT INTO received_changes VALUES (new.created_at, 1);
END;
CREATE TRIGGER samples_stock_delete AFTER DELETE ON samples BEGIN
    INSERT INTO stock_changes VALUES (old.container_id, old.animal_id, old.kind, old.doses, -1);
    INSERT INTO received_changes VALUES (old.created_at, -1);
END;
-- A move, check-in or check-out, a changed dose count, animal or kind: the old place loses the
-- item, the new one gains it.
CREATE TRIGGER samples_stock_update AFTER UPDATE OF container_id, doses, animal_id, kind ON samples BEGIN
    INSERT INTO stock_changes VALUES (old.container_id, old.animal_id, old.kind, old.doses, -1);
    INSERT INTO stock_changes VALUES (new.container_id, new.animal_id, new.kind, new.doses, 1);
END;
CREATE TRIGGER samples_received_update AFTER UPDATE OF created_at ON samples BEGIN
    INSERT INTO received_changes VALUES (old.created_at, -1);
    INSERT INTO received_changes VALUES (new.created_at, 1);
END;

-- A customer's and an animal's samples in storage (their pages' link counts, 320 ms): with only
-- samples_animal, the planner took samples_status for status = 'stored' and read half the samples.
-- This index answers the owner, the animal and both with status, and replaces samples_animal.
DROP INDEX samples_animal;
CREATE INDEX samples_animal_status ON samples (animal_id, status, collected_at);
