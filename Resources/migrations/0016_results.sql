-- Lab tests and verified results: the catalog (tests with reference ranges per species, profiles),
-- instruments with calibration dates, QC control materials and runs, orders and their analyses.

CREATE TABLE lab_tests (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    -- Sample kinds the test accepts, comma separated (e.g. "blood,dna").
    sample_kinds TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    method TEXT NOT NULL DEFAULT '',
    price_cents INTEGER NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE reference_ranges (
    test_id INTEGER NOT NULL REFERENCES lab_tests(id),
    species TEXT NOT NULL,
    low REAL,
    high REAL,
    PRIMARY KEY (test_id, species),
    CHECK (low IS NULL OR high IS NULL OR low <= high)
);

CREATE TABLE lab_profiles (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    -- Test codes, comma separated, in report order.
    tests TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE instruments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- The last day the calibration is valid; after it the instrument cannot be selected.
    calibration_due TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Reference or control samples with the value a test should find, ± tolerance.
CREATE TABLE qc_materials (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    test_id INTEGER NOT NULL REFERENCES lab_tests(id),
    expected REAL NOT NULL,
    tolerance REAL NOT NULL CHECK (tolerance >= 0),
    created_at TEXT NOT NULL,
    UNIQUE (name, test_id)
);

-- A run: the control measured on an instrument; results of the run cannot be verified unless
-- the control was within tolerance.
CREATE TABLE qc_runs (
    id INTEGER PRIMARY KEY,
    material_id INTEGER NOT NULL REFERENCES qc_materials(id),
    instrument_id INTEGER NOT NULL REFERENCES instruments(id),
    measured REAL NOT NULL,
    in_control INTEGER NOT NULL CHECK (in_control IN (0, 1)),
    run_by TEXT NOT NULL,
    run_at TEXT NOT NULL
);
CREATE INDEX qc_runs_material ON qc_runs (material_id, run_at);

CREATE TABLE lab_orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    ordered_on TEXT NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX lab_orders_customer ON lab_orders (customer_id, id);

CREATE TABLE analyses (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES lab_orders(id),
    sample_id INTEGER NOT NULL REFERENCES samples(id),
    test_id INTEGER NOT NULL REFERENCES lab_tests(id),
    state TEXT NOT NULL DEFAULT 'received'
        CHECK (state IN ('received', 'in_progress', 'to_verify', 'verified', 'rejected', 'retest')),
    value REAL,
    unit TEXT NOT NULL DEFAULT '',
    -- The reference range when the result was entered, and where the value fell.
    low REAL,
    high REAL,
    flag TEXT NOT NULL DEFAULT '' CHECK (flag IN ('', 'low', 'high')),
    instrument_id INTEGER REFERENCES instruments(id),
    qc_run_id INTEGER REFERENCES qc_runs(id),
    entered_by INTEGER REFERENCES users(id),
    entered_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (order_id, sample_id, test_id)
);
CREATE INDEX analyses_state ON analyses (state, id);
CREATE INDEX analyses_sample ON analyses (sample_id);
