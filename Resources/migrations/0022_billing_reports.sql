-- Billing's reports and bookkeeping: the accountant's revenue account per service, purchase-order
-- numbers on lab orders, and the indexes the aging, revenue and journal reports read by
-- (docs/decisions/0029-billing-reports-and-bookkeeping.md).

-- The general-ledger account the service's revenue is booked to; '' books it to
-- billing.account_revenue.
ALTER TABLE billing_services ADD COLUMN revenue_account TEXT NOT NULL DEFAULT '';

-- The customer's purchase-order number for the order (BT-13 once invoiced).
ALTER TABLE lab_orders ADD COLUMN purchase_order TEXT NOT NULL DEFAULT '';

-- Issued documents by day: aging, revenue and the journal read a range of them. The aging report
-- reads every receivable it needs from this index alone.
CREATE INDEX invoices_issued ON invoices (kind, state, issue_date, customer_id, due_date, gross_minor);
CREATE INDEX payments_received ON payments (received_on);
-- What a payment allocated to each invoice, read in invoice order without a table lookup.
DROP INDEX payment_allocations_invoice;
CREATE INDEX payment_allocations_invoice ON payment_allocations (invoice_id, payment_id, amount_minor);
