-- Sample lists filtered by collection day or sorted by collection time (issue 24): without this
-- a date range scans every sample. Filters by storage container use samples_position (its
-- `container_id IS NOT NULL` is implied by `container_id IN (…)`), by animal and owner
-- samples_animal.
CREATE INDEX samples_collected ON samples (collected_at, id);
