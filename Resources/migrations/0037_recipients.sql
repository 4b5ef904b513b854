-- Recipients and transfer day (issue 27 part 2, decision 0048): a female enrolled as a recipient
-- with her synchronisation protocol and the day of her oestrus (day 0), from which her cycle day
-- on any date is computed; the check of her corpus luteum on transfer day; the transfer she was
-- used for.

CREATE TABLE recipients (
    id INTEGER PRIMARY KEY,
    animal_id INTEGER NOT NULL REFERENCES animals(id),
    -- The synchronisation protocol, or "natural heat".
    protocol TEXT NOT NULL CHECK (length(protocol) BETWEEN 1 AND 200),
    -- Her oestrus (heat), day 0 of the cycle; unknown until it is seen or the protocol sets it.
    oestrus_on TEXT CHECK (oestrus_on IS NULL OR length(oestrus_on) = 10),
    -- available: waiting for transfer day; skipped: found unsuitable at a check (synchronise her
    -- again to make her available); used: she received embryos; retired: no longer a recipient.
    status TEXT NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'skipped', 'used', 'retired')),
    transfer_id INTEGER REFERENCES transfers(id),
    notes TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((status = 'used') = (transfer_id IS NOT NULL))
);
-- One open enrolment per animal: her next transfer is found by it.
CREATE UNIQUE INDEX recipients_open_animal ON recipients (animal_id) WHERE status IN ('available', 'skipped');
CREATE INDEX recipients_animal ON recipients (animal_id, id);
CREATE INDEX recipients_status ON recipients (status, id);
CREATE INDEX recipients_transfer ON recipients (transfer_id) WHERE transfer_id IS NOT NULL;

-- The check at the chute on a day: corpus luteum present, its side and score (1 best to 3), and
-- whether she is suitable; when not, why she was skipped.
CREATE TABLE recipient_checks (
    id INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES recipients(id),
    checked_on TEXT NOT NULL CHECK (length(checked_on) = 10),
    cl_present INTEGER NOT NULL CHECK (cl_present IN (0, 1)),
    cl_side TEXT NOT NULL DEFAULT '' CHECK (cl_side IN ('', 'left', 'right')),
    cl_score INTEGER CHECK (cl_score IS NULL OR cl_score BETWEEN 1 AND 3),
    suitable INTEGER NOT NULL CHECK (suitable IN (0, 1)),
    skip_reason TEXT NOT NULL DEFAULT '' CHECK (skip_reason IN
        ('', 'no_cl', 'poor_cl', 'out_of_synchrony', 'cystic_ovary', 'uterine_problem', 'health', 'other')),
    skip_note TEXT NOT NULL DEFAULT '' CHECK (length(skip_note) <= 500),
    checked_by TEXT NOT NULL CHECK (length(checked_by) <= 200),
    created_at TEXT NOT NULL,
    UNIQUE (recipient_id, checked_on),
    CHECK (cl_present = 1 OR (cl_side = '' AND cl_score IS NULL)),
    CHECK (suitable = 0 OR cl_present = 1),
    CHECK ((suitable = 0) = (skip_reason <> ''))
);
CREATE INDEX recipient_checks_day ON recipient_checks (checked_on, id);
