import Foundation
import GRDB
import LabBoxPlatform
import LabBoxValues

/// Billing's data for `scripts/bench` (`demo-data --bench-unbilled N --bench-open M`, hidden): N
/// customers with three unbilled charges each, for the month-end invoice run, and M issued
/// invoices spread over those customers and the past year, every other one half paid and every
/// tenth partly credited, for the aging report. Plain SQL in one transaction, without audit
/// events: the figures measure the run and the report, not the seeding.
enum DemoBillingBench {
    static func seed(_ database: AppDatabase, currency: Currency, unbilled: Int, open: Int) async throws -> String {
        guard unbilled > 0 else { return "" }
        try await database.pool.write { db in
            let base = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM customers") ?? 0
            let arguments: StatementArguments = [
                "base": base, "customers": unbilled, "charges": unbilled * 3, "open": open,
                "today": Day.today, "now": Date(), "currency": currency.code,
            ]
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :customers)
                    INSERT INTO customers (kind, name, address, postcode, city, country, created_at, updated_at)
                    SELECT 'organisation', 'Bench customer ' || i, 'Weg ' || i, '29221', 'Celle', 'DE', :now, :now
                    FROM n;
                    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :charges - 1)
                    INSERT INTO charges (customer_id, description, performed_on, quantity_milli, unit, unit_price_e4,
                      vat_category, vat_rate_bp, created_at, updated_at)
                    SELECT :base + 1 + i / 3, 'Bench work ' || i, :today, 1000 + (i % 3) * 500, 'each',
                      125000 + (i % 7) * 10000, 'S', CASE i % 3 WHEN 2 THEN 700 ELSE 1900 END, :now, :now FROM n;
                    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :open - 1)
                    INSERT INTO invoices (kind, state, number, customer_id, issue_date, due_date, currency, rounding,
                      net_minor, vat_minor, gross_minor, created_at, updated_at)
                    SELECT 'invoice', 'issued', 'BENCH-' || i, :base + 1 + i % :customers,
                      date(:today, '-' || (i % 365) || ' days'), date(:today, '-' || (i % 365) || ' days', '+30 days'),
                      :currency, 'rate', 10000 + i % 5000, (10000 + i % 5000) * 19 / 100,
                      10000 + i % 5000 + (10000 + i % 5000) * 19 / 100, :now, :now FROM n;
                    INSERT INTO invoices (kind, state, number, customer_id, corrects_id, issue_date, due_date, currency,
                      rounding, net_minor, vat_minor, gross_minor, reason, created_at, updated_at)
                    SELECT 'credit_note', 'issued', 'BENCH-CN-' || id, customer_id, id, issue_date, issue_date, currency,
                      rounding, -net_minor / 10, -vat_minor / 10, -net_minor / 10 - vat_minor / 10, 'bench', :now, :now
                    FROM invoices WHERE number LIKE 'BENCH-%' AND kind = 'invoice' AND id % 10 = 1;
                    INSERT INTO payments (customer_id, received_on, amount_minor, method, reference, created_at)
                    SELECT customer_id, issue_date, gross_minor / 2, 'bank_transfer', 'BENCH-PAY-' || id, :now
                    FROM invoices WHERE number LIKE 'BENCH-%' AND kind = 'invoice' AND id % 2 = 0;
                    INSERT INTO payment_allocations (payment_id, invoice_id, amount_minor, created_at)
                    SELECT id, CAST(substr(reference, 11) AS INTEGER), amount_minor, :now FROM payments
                    WHERE reference LIKE 'BENCH-PAY-%';
                    """, arguments: arguments)
        }
        return "\(unbilled) customers with unbilled work, \(open) open invoices"
    }
}
