-- Assisted reproduction: semen collections, oocyte pick-up, IVF/IVC batches, embryos, transfers
-- and pregnancy diagnoses. Rates (recovery, cleavage, blastocyst, pregnancy) are computed from
-- these counts, never stored. Days are YYYY-MM-DD.

CREATE TABLE semen_collections (
    id INTEGER PRIMARY KEY,
    sire_id INTEGER NOT NULL REFERENCES animals(id),
    collected_on TEXT NOT NULL,
    volume_ml REAL CHECK (volume_ml IS NULL OR volume_ml >= 0),
    -- Million sperm per mL.
    concentration REAL CHECK (concentration IS NULL OR concentration >= 0),
    total_motility INTEGER CHECK (total_motility BETWEEN 0 AND 100),
    progressive_motility INTEGER CHECK (progressive_motility BETWEEN 0 AND 100),
    normal_morphology INTEGER CHECK (normal_morphology BETWEEN 0 AND 100),
    post_thaw_motility INTEGER CHECK (post_thaw_motility BETWEEN 0 AND 100),
    technician TEXT NOT NULL DEFAULT '',
    -- Filled in by processing into straws.
    extender TEXT NOT NULL DEFAULT '',
    straw_size TEXT NOT NULL DEFAULT '' CHECK (straw_size IN ('', '0.25', '0.5')),
    doses_per_straw REAL CHECK (doses_per_straw IS NULL OR doses_per_straw > 0),
    straws INTEGER NOT NULL DEFAULT 0 CHECK (straws >= 0),
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (progressive_motility IS NULL OR total_motility IS NULL OR progressive_motility <= total_motility)
);
CREATE INDEX semen_collections_sire ON semen_collections (sire_id, collected_on);
-- The straws (samples) a collection was processed into.
CREATE TABLE semen_straws (
    sample_id INTEGER PRIMARY KEY REFERENCES samples(id),
    collection_id INTEGER NOT NULL REFERENCES semen_collections(id)
);
CREATE INDEX semen_straws_collection ON semen_straws (collection_id);

CREATE TABLE opu_sessions (
    id INTEGER PRIMARY KEY,
    donor_id INTEGER NOT NULL REFERENCES animals(id),
    performed_on TEXT NOT NULL,
    operator TEXT NOT NULL,
    follicles INTEGER NOT NULL CHECK (follicles >= 0),
    oocytes INTEGER NOT NULL CHECK (oocytes >= 0),
    grade_1 INTEGER NOT NULL DEFAULT 0 CHECK (grade_1 >= 0),
    grade_2 INTEGER NOT NULL DEFAULT 0 CHECK (grade_2 >= 0),
    grade_3 INTEGER NOT NULL DEFAULT 0 CHECK (grade_3 >= 0),
    grade_4 INTEGER NOT NULL DEFAULT 0 CHECK (grade_4 >= 0),
    degenerate INTEGER NOT NULL DEFAULT 0 CHECK (degenerate >= 0),
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (grade_1 + grade_2 + grade_3 + grade_4 + degenerate <= oocytes)
);
CREATE INDEX opu_sessions_donor ON opu_sessions (donor_id, performed_on);
CREATE INDEX opu_sessions_day ON opu_sessions (performed_on);

CREATE TABLE ivf_batches (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    donor_id INTEGER NOT NULL REFERENCES animals(id),
    sire_id INTEGER NOT NULL REFERENCES animals(id),
    -- The straw or sample of semen used, when it is in the biobank.
    semen_sample_id INTEGER REFERENCES samples(id),
    fertilised_on TEXT NOT NULL,
    medium TEXT NOT NULL DEFAULT '',
    protocol TEXT NOT NULL DEFAULT '',
    technician TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ivf_batches_day ON ivf_batches (fertilised_on);

-- Oocytes of one OPU session inseminated in one batch.
CREATE TABLE ivf_batch_oocytes (
    batch_id INTEGER NOT NULL REFERENCES ivf_batches(id),
    opu_id INTEGER NOT NULL REFERENCES opu_sessions(id),
    oocytes INTEGER NOT NULL CHECK (oocytes > 0),
    PRIMARY KEY (batch_id, opu_id)
);
CREATE INDEX ivf_batch_oocytes_opu ON ivf_batch_oocytes (opu_id);

-- Day-by-day culture checks (day 0 = fertilisation): cleavage on D2–D3, blastocysts on D7–D8.
CREATE TABLE ivf_checks (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES ivf_batches(id),
    day INTEGER NOT NULL CHECK (day BETWEEN 1 AND 9),
    checked_on TEXT NOT NULL,
    cleaved INTEGER CHECK (cleaved IS NULL OR cleaved >= 0),
    blastocysts INTEGER CHECK (blastocysts IS NULL OR blastocysts >= 0),
    notes TEXT NOT NULL DEFAULT '',
    checked_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (batch_id, day)
);

CREATE TABLE transfers (
    id INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES animals(id),
    transferred_on TEXT NOT NULL,
    technician TEXT NOT NULL,
    cl_side TEXT NOT NULL DEFAULT '' CHECK (cl_side IN ('', 'left', 'right')),
    cl_quality TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    -- Calving or foaling, once known.
    outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'born_alive', 'stillborn')),
    outcome_on TEXT,
    offspring_sex TEXT NOT NULL DEFAULT '' CHECK (offspring_sex IN ('', 'female', 'male')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX transfers_day ON transfers (transferred_on);
CREATE INDEX transfers_recipient ON transfers (recipient_id);

CREATE TABLE embryos (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    origin TEXT NOT NULL CHECK (origin IN ('ivp', 'in_vivo')),
    batch_id INTEGER REFERENCES ivf_batches(id),
    donor_id INTEGER NOT NULL REFERENCES animals(id),
    sire_id INTEGER NOT NULL REFERENCES animals(id),
    species TEXT NOT NULL,
    day INTEGER NOT NULL CHECK (day BETWEEN 1 AND 9),
    -- IETS codes: stage 1 (one-cell) to 9 (expanding hatched blastocyst), quality 1 (excellent) to 4 (dead).
    stage INTEGER NOT NULL CHECK (stage BETWEEN 1 AND 9),
    grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 4),
    fate TEXT NOT NULL DEFAULT 'in_culture' CHECK (fate IN ('in_culture', 'frozen', 'transferred', 'discarded')),
    -- The straw it was frozen into; stays set after thawing, so a transfer knows it was frozen.
    sample_id INTEGER UNIQUE REFERENCES samples(id),
    transfer_id INTEGER REFERENCES transfers(id),
    graded_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((origin = 'ivp') = (batch_id IS NOT NULL)),
    CHECK ((fate = 'transferred') = (transfer_id IS NOT NULL))
);
CREATE INDEX embryos_batch ON embryos (batch_id);
CREATE INDEX embryos_donor ON embryos (donor_id);
CREATE INDEX embryos_sire ON embryos (sire_id);
CREATE INDEX embryos_transfer ON embryos (transfer_id);

CREATE TABLE pregnancy_checks (
    id INTEGER PRIMARY KEY,
    transfer_id INTEGER NOT NULL REFERENCES transfers(id),
    checked_on TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('ultrasound', 'palpation', 'blood_test')),
    result TEXT NOT NULL CHECK (result IN ('pregnant', 'open', 'lost')),
    fetal_sex TEXT NOT NULL DEFAULT '' CHECK (fetal_sex IN ('', 'female', 'male', 'twins')),
    checked_by TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX pregnancy_checks_transfer ON pregnancy_checks (transfer_id, checked_on);
