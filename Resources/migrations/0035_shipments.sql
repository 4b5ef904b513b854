-- Shipments of straws in dry shippers (issue 27 part 3, decision 0045). Outbound: straws picked
-- from storage by scanning, checked out when the shipment is packed. Inbound: straws checked in
-- by scanning the sender's codes.

CREATE TABLE shipments (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    direction TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'packed', 'handed_over', 'received', 'closed', 'cancelled')),
    -- The consignee (outbound) or sender (inbound): a customer, or a partner lab named in text.
    customer_id INTEGER REFERENCES customers(id),
    partner_lab TEXT NOT NULL DEFAULT '',
    courier TEXT NOT NULL DEFAULT '',
    tracking_no TEXT NOT NULL DEFAULT '',
    -- The dry shipper: its id, when it was charged with LN2 and how many days the charge holds.
    shipper_id TEXT NOT NULL DEFAULT '',
    charged_at TEXT,
    hold_days INTEGER CHECK (hold_days IS NULL OR hold_days BETWEEN 1 AND 60),
    -- How many straws the sender's packing list announces (inbound).
    expected_straws INTEGER CHECK (expected_straws IS NULL OR expected_straws BETWEEN 0 AND 10000),
    handed_over_at TEXT,
    received_at TEXT,
    shipper_returned_at TEXT,
    discrepancies TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (customer_id IS NOT NULL OR partner_lab <> '')
);
CREATE INDEX shipments_customer ON shipments (customer_id) WHERE customer_id IS NOT NULL;

-- A straw on a shipment: its printed code (outbound: the lab's; inbound: the sender's, kept as
-- the new sample's external id) and where it sits in the shipper.
CREATE TABLE shipment_items (
    id INTEGER PRIMARY KEY,
    shipment_id INTEGER NOT NULL REFERENCES shipments(id),
    sample_id INTEGER NOT NULL REFERENCES samples(id),
    code TEXT NOT NULL,
    canister TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (shipment_id, sample_id)
);
CREATE INDEX shipment_items_sample ON shipment_items (sample_id);
