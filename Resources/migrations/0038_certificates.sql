-- Certificates (issue 27 part 4, decision 0049): the embryo certificate / transfer record of a
-- frozen embryo straw, for breed registries, and the export health certificate of a donor or sire
-- built from its verified lab results. An issued certificate is a snapshot of what it stated:
-- later changes to the animals, the embryo or the results do not alter it, and only its
-- revocation may change the row.

CREATE TABLE embryo_certificates (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    sample_id INTEGER NOT NULL REFERENCES samples(id),
    embryo_id INTEGER NOT NULL REFERENCES embryos(id),
    -- The donor's owner when it was issued, for a registry's export by customer.
    customer_id INTEGER REFERENCES customers(id),
    straw_code TEXT NOT NULL,
    species TEXT NOT NULL,
    donor_id INTEGER NOT NULL REFERENCES animals(id),
    donor_name TEXT NOT NULL,
    donor_breed TEXT NOT NULL,
    donor_registration TEXT NOT NULL CHECK (donor_registration <> ''),
    sire_id INTEGER NOT NULL REFERENCES animals(id),
    sire_name TEXT NOT NULL,
    sire_breed TEXT NOT NULL,
    sire_registration TEXT NOT NULL CHECK (sire_registration <> ''),
    -- In vivo: the day the donor was flushed; IVP: the day of fertilisation.
    origin TEXT NOT NULL CHECK (origin IN ('ivp', 'in_vivo')),
    produced_on TEXT NOT NULL,
    stage INTEGER NOT NULL CHECK (stage BETWEEN 1 AND 9),
    grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 4),
    embryos_per_straw INTEGER NOT NULL CHECK (embryos_per_straw BETWEEN 1 AND 20),
    freezing_method TEXT NOT NULL CHECK (freezing_method IN ('slow_freeze', 'direct_transfer', 'vitrification')),
    cryoprotectant TEXT NOT NULL CHECK (length(cryoprotectant) BETWEEN 1 AND 100),
    frozen_on TEXT NOT NULL,
    freezing_centre TEXT NOT NULL CHECK (length(freezing_centre) BETWEEN 1 AND 200),
    approval_number TEXT NOT NULL CHECK (length(approval_number) BETWEEN 1 AND 100),
    notes TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    issued_at TEXT NOT NULL,
    -- The day on the lab's calendar, which lists and registry exports filter by.
    issued_on TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT NOT NULL DEFAULT '',
    revoke_reason TEXT NOT NULL DEFAULT '' CHECK (length(revoke_reason) <= 2000),
    CHECK ((revoked_at IS NULL) = (revoke_reason = ''))
);
-- One certificate in force per straw: a corrected one follows the revocation of the old.
CREATE UNIQUE INDEX embryo_certificates_in_force ON embryo_certificates (sample_id) WHERE revoked_at IS NULL;
CREATE INDEX embryo_certificates_issued ON embryo_certificates (issued_on);
CREATE INDEX embryo_certificates_customer ON embryo_certificates (customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX embryo_certificates_donor ON embryo_certificates (donor_id);
CREATE INDEX embryo_certificates_sire ON embryo_certificates (sire_id);

CREATE TRIGGER embryo_certificates_issued_stay_as_issued
BEFORE UPDATE OF number, sample_id, embryo_id, customer_id, straw_code, species, donor_id, donor_name, donor_breed,
    donor_registration, sire_id, sire_name, sire_breed, sire_registration, origin, produced_on, stage, grade,
    embryos_per_straw, freezing_method, cryoprotectant, frozen_on, freezing_centre, approval_number, notes, issued_at,
    issued_on, issued_by ON embryo_certificates
BEGIN
    SELECT RAISE(ABORT, 'an issued embryo certificate cannot change; revoke it and issue another');
END;

-- Where a health certificate is for: the tests (codes of the test catalog, comma separated) the
-- destination requires and how many days before issue their samples may have been taken.
CREATE TABLE certificate_destinations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 100),
    tests TEXT NOT NULL CHECK (length(tests) BETWEEN 1 AND 1000),
    validity_days INTEGER NOT NULL CHECK (validity_days BETWEEN 1 AND 730),
    notes TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE health_certificates (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    animal_id INTEGER NOT NULL REFERENCES animals(id),
    destination_id INTEGER NOT NULL REFERENCES certificate_destinations(id),
    -- The animal's owner when it was issued (the name is read from the customer, never copied).
    customer_id INTEGER REFERENCES customers(id),
    destination TEXT NOT NULL,
    validity_days INTEGER NOT NULL,
    animal_name TEXT NOT NULL,
    species TEXT NOT NULL,
    breed TEXT NOT NULL,
    sex TEXT NOT NULL,
    registration TEXT NOT NULL,
    -- The verified results it rests on, as JSON: test, value, unit, range, sampled and verified by.
    results TEXT NOT NULL,
    -- The day the oldest of those samples leaves the destination's window.
    valid_until TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    issued_at TEXT NOT NULL,
    -- The day on the lab's calendar, which lists and registry exports filter by.
    issued_on TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT NOT NULL DEFAULT '',
    revoke_reason TEXT NOT NULL DEFAULT '' CHECK (length(revoke_reason) <= 2000),
    CHECK ((revoked_at IS NULL) = (revoke_reason = ''))
);
CREATE INDEX health_certificates_animal ON health_certificates (animal_id);
CREATE INDEX health_certificates_issued ON health_certificates (issued_on);

CREATE TRIGGER health_certificates_issued_stay_as_issued
BEFORE UPDATE OF number, animal_id, destination_id, customer_id, destination, validity_days, animal_name, species,
    breed, sex, registration, results, valid_until, notes, issued_at, issued_on, issued_by ON health_certificates
BEGIN
    SELECT RAISE(ABORT, 'an issued health certificate cannot change; revoke it and issue another');
END;
