-- Superovulation protocols, a donor's superovulation schedule and her flushes (issue 27 part 1,
-- decision 0047). Embryos flushed in vivo are the same embryo records as IVP ones, linked to
-- their flush.

-- A clinic's protocol: a template of timed steps (JSON array of {day, time, kind, amount, unit,
-- note}), archived rather than deleted so the runs made from it keep their name.
CREATE TABLE superovulation_protocols (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 120),
    species TEXT NOT NULL CHECK (length(species) BETWEEN 1 AND 40),
    notes TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    steps TEXT NOT NULL CHECK (json_valid(steps) AND json_array_length(steps) BETWEEN 1 AND 40),
    archived_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A protocol applied to a donor from a start day. The protocol's name is copied, and its steps
-- become dated rows below, so the schedule stays as it was when the template changes later.
CREATE TABLE superovulations (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    donor_id INTEGER NOT NULL REFERENCES animals(id),
    protocol_id INTEGER NOT NULL REFERENCES superovulation_protocols(id),
    protocol_name TEXT NOT NULL CHECK (length(protocol_name) BETWEEN 1 AND 120),
    started_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'flushed', 'cancelled')),
    notes TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- A donor is on one protocol at a time.
CREATE UNIQUE INDEX superovulations_active_donor ON superovulations (donor_id) WHERE status = 'active';
CREATE INDEX superovulations_donor ON superovulations (donor_id, started_on);

-- One dated step of a donor's schedule, and who did it when.
CREATE TABLE superovulation_steps (
    id INTEGER PRIMARY KEY,
    superovulation_id INTEGER NOT NULL REFERENCES superovulations(id),
    due_on TEXT NOT NULL,
    due_time TEXT NOT NULL CHECK (due_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    kind TEXT NOT NULL CHECK (kind IN ('fsh', 'pgf', 'insemination', 'flush', 'other')),
    amount REAL CHECK (amount IS NULL OR amount > 0),
    unit TEXT NOT NULL DEFAULT '' CHECK (length(unit) <= 20),
    note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    done_at TEXT,
    done_by TEXT CHECK (done_by IS NULL OR length(done_by) <= 200),
    CHECK ((done_at IS NULL) = (done_by IS NULL))
);
CREATE INDEX superovulation_steps_run ON superovulation_steps (superovulation_id, due_on, due_time);
CREATE INDEX superovulation_steps_due ON superovulation_steps (due_on, due_time);

-- A non-surgical uterine flush: what was recovered, and (as embryos rows) the graded embryos.
CREATE TABLE flushes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    donor_id INTEGER NOT NULL REFERENCES animals(id),
    sire_id INTEGER NOT NULL REFERENCES animals(id),
    semen_sample_id INTEGER REFERENCES samples(id),
    -- The superovulation this flush ends, when it was recorded in LabBox.
    superovulation_id INTEGER UNIQUE REFERENCES superovulations(id),
    flushed_on TEXT NOT NULL,
    operator TEXT NOT NULL CHECK (length(operator) BETWEEN 1 AND 200),
    -- The embryos' age in days since oestrus (usually 7).
    day INTEGER NOT NULL CHECK (day BETWEEN 1 AND 9),
    recovered INTEGER NOT NULL CHECK (recovered BETWEEN 0 AND 500),
    unfertilised INTEGER NOT NULL CHECK (unfertilised >= 0),
    degenerate INTEGER NOT NULL CHECK (degenerate >= 0),
    notes TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (unfertilised + degenerate <= recovered)
);
CREATE INDEX flushes_donor ON flushes (donor_id, flushed_on);
CREATE INDEX flushes_day ON flushes (flushed_on);

-- An embryo comes from an IVF batch (ivp) or a flush (in vivo), never both: ivp embryos have
-- their batch (0015), so a flush only on an in vivo one.
ALTER TABLE embryos ADD COLUMN flush_id INTEGER REFERENCES flushes(id)
    CHECK (flush_id IS NULL OR origin = 'in_vivo');
CREATE INDEX embryos_flush ON embryos (flush_id) WHERE flush_id IS NOT NULL;
