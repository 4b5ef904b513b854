-- Pickers look an animal up by a scanned code alone, without its species or kind (decision 0037);
-- the unique index leads with the species and cannot answer that.
CREATE INDEX animal_identifiers_value ON animal_identifiers (value);
