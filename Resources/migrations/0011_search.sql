-- Full-text search (FTS5) over names, identifiers, barcodes and notes, kept current by triggers.
CREATE VIRTUAL TABLE samples_fts USING fts5(
    external_id, notes, content = 'samples', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER samples_fts_insert AFTER INSERT ON samples BEGIN
    INSERT INTO samples_fts (rowid, external_id, notes) VALUES (new.id, new.external_id, new.notes);
END;
CREATE TRIGGER samples_fts_delete AFTER DELETE ON samples BEGIN
    INSERT INTO samples_fts (samples_fts, rowid, external_id, notes) VALUES ('delete', old.id, old.external_id, old.notes);
END;
CREATE TRIGGER samples_fts_update AFTER UPDATE OF external_id, notes ON samples BEGIN
    INSERT INTO samples_fts (samples_fts, rowid, external_id, notes) VALUES ('delete', old.id, old.external_id, old.notes);
    INSERT INTO samples_fts (rowid, external_id, notes) VALUES (new.id, new.external_id, new.notes);
END;
INSERT INTO samples_fts (samples_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE customers_fts USING fts5(
    name, contact_name, city, email, notes, content = 'customers', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_fts (rowid, name, contact_name, city, email, notes)
    VALUES (new.id, new.name, new.contact_name, new.city, new.email, new.notes);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE OF name, contact_name, city, email, notes ON customers BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, name, contact_name, city, email, notes)
    VALUES ('delete', old.id, old.name, old.contact_name, old.city, old.email, old.notes);
    INSERT INTO customers_fts (rowid, name, contact_name, city, email, notes)
    VALUES (new.id, new.name, new.contact_name, new.city, new.email, new.notes);
END;
INSERT INTO customers_fts (customers_fts) VALUES ('rebuild');

-- Animals: name, breed, notes and all identifiers, one document per animal (rowid = animal id).
CREATE VIRTUAL TABLE animals_fts USING fts5(name, breed, notes, identifiers, tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER animals_fts_insert AFTER INSERT ON animals BEGIN
    INSERT INTO animals_fts (rowid, name, breed, notes, identifiers) VALUES (new.id, new.name, new.breed, new.notes, '');
END;
CREATE TRIGGER animals_fts_update AFTER UPDATE OF name, breed, notes ON animals BEGIN
    UPDATE animals_fts SET name = new.name, breed = new.breed, notes = new.notes WHERE rowid = new.id;
END;
CREATE TRIGGER animal_identifiers_fts_insert AFTER INSERT ON animal_identifiers BEGIN
    UPDATE animals_fts SET identifiers = (SELECT group_concat(value, ' ') FROM animal_identifiers WHERE animal_id = new.animal_id)
    WHERE rowid = new.animal_id;
END;
CREATE TRIGGER animal_identifiers_fts_delete AFTER DELETE ON animal_identifiers BEGIN
    UPDATE animals_fts SET identifiers = COALESCE((SELECT group_concat(value, ' ') FROM animal_identifiers WHERE animal_id = old.animal_id), '')
    WHERE rowid = old.animal_id;
END;
INSERT INTO animals_fts (rowid, name, breed, notes, identifiers)
SELECT id, name, breed, notes, COALESCE((SELECT group_concat(value, ' ') FROM animal_identifiers WHERE animal_id = animals.id), '')
FROM animals;
