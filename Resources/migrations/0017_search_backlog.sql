-- New samples are indexed for search in batches, not in the transaction that writes them. FTS5
-- writes a segment at every commit that changed its index and merges segments as they pile up, in
-- that same commit: with a million samples a merge took up to 200 ms of the writer's time, and every
-- write queued behind it. A new sample now only enters samples_fts_backlog; the search indexer
-- indexes the backlog about once a second, and every search catches it up first, so a search still
-- finds every sample written before it.
CREATE TABLE samples_fts_backlog (sample_id INTEGER PRIMARY KEY);
DROP TRIGGER samples_fts_insert;
CREATE TRIGGER samples_fts_insert AFTER INSERT ON samples BEGIN
    INSERT INTO samples_fts_backlog (sample_id) VALUES (new.id);
END;
-- A sample still in the backlog is not in the index yet: it is indexed with its final values later.
DROP TRIGGER samples_fts_update;
CREATE TRIGGER samples_fts_update AFTER UPDATE OF external_id, notes ON samples
WHEN NOT EXISTS (SELECT 1 FROM samples_fts_backlog WHERE sample_id = new.id) BEGIN
    INSERT INTO samples_fts (samples_fts, rowid, external_id, notes) VALUES ('delete', old.id, old.external_id, old.notes);
    INSERT INTO samples_fts (rowid, external_id, notes) VALUES (new.id, new.external_id, new.notes);
END;
DROP TRIGGER samples_fts_delete;
CREATE TRIGGER samples_fts_delete AFTER DELETE ON samples BEGIN
    INSERT INTO samples_fts (samples_fts, rowid, external_id, notes)
    SELECT 'delete', old.id, old.external_id, old.notes
    WHERE NOT EXISTS (SELECT 1 FROM samples_fts_backlog WHERE sample_id = old.id);
    DELETE FROM samples_fts_backlog WHERE sample_id = old.id;
END;
