import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Revenue by month, service and customer: issued invoices less issued credit notes, by issue date
/// (void invoices are not revenue). Net is the lines' own; VAT is the documents' frozen VAT of each
/// rate, shared among the lines of that rate by their net, so every total equals the documents'.
package struct RevenueReport: Sendable {
    package struct Entry: Sendable {
        package let month: String
        package let serviceId: Int64?
        package let service: String
        package let customerId: Int64
        package let customer: String
        package var net: Int64
        package var vat: Int64
        package var gross: Int64 { net + vat }
    }

    /// A sum over rows sharing a month, a service or a customer.
    package struct Sum: Sendable {
        package let key: String
        package let label: String
        package var net: Int64 = 0
        package var vat: Int64 = 0
        package var gross: Int64 { net + vat }
    }

    package let from: String
    package let to: String
    /// By month, then service, then customer.
    package let rows: [Entry]

    /// Every month of the range, those without revenue too.
    package var byMonth: [Sum] {
        var sums = Dictionary(
            uniqueKeysWithValues: ReportRange.months(from: from, to: to).map { ($0, Sum(key: $0, label: $0)) })
        for row in rows {
            sums[row.month, default: Sum(key: row.month, label: row.month)].net += row.net
            sums[row.month]?.vat += row.vat
        }
        return sums.values.sorted { $0.key < $1.key }
    }

    package var byService: [Sum] { Self.sums(rows, key: { String($0.serviceId ?? 0) }, label: \.service) }
    package var byCustomer: [Sum] { Self.sums(rows, key: { String($0.customerId) }, label: \.customer) }
    package var total: Sum {
        rows.reduce(into: Sum(key: "total", label: "Total")) { sum, row in
            sum.net += row.net
            sum.vat += row.vat
        }
    }

    /// Largest net first.
    private static func sums(_ rows: [Entry], key: (Entry) -> String, label: KeyPath<Entry, String>) -> [Sum] {
        var sums: [String: Sum] = [:]
        for row in rows {
            sums[key(row), default: Sum(key: key(row), label: row[keyPath: label])].net += row.net
            sums[key(row)]?.vat += row.vat
        }
        return sums.values.sorted { ($0.net, $1.label) > ($1.net, $0.label) }
    }

    /// Shares `total` among `weights` in proportion, exactly: each share is rounded toward zero and
    /// what is left goes to the largest weight. With all weights zero, the first takes it all.
    static func allocate(_ total: Int64, over weights: [Int64]) -> [Int64] {
        guard !weights.isEmpty else { return [] }
        let sum = weights.reduce(Int128(0)) { $0 + Int128($1) }
        var shares = weights.map { sum == 0 ? 0 : Int64(Int128(total) * Int128($0) / sum) }
        let largest = weights.indices.max { abs(weights[$0]) < abs(weights[$1]) } ?? 0
        shares[largest] += total - shares.reduce(0, +)
        return shares
    }

    /// The report from `from` to `to` (days, both included).
    static func load(_ db: Database, from: String, to: String) throws -> RevenueReport {
        let issued = """
            i.kind IN ('invoice', 'credit_note') AND i.state = 'issued' AND i.issue_date BETWEEN :from AND :to
            """
        let arguments: StatementArguments = ["from": from, "to": to]
        // A credit note's line bills the service of the invoice line it reverses.
        let lines = try Row.fetchAll(
            db,
            sql: """
                SELECT i.id AS invoice_id, substr(i.issue_date, 1, 7) AS month, i.customer_id,
                  c.name AS customer_name, ch.service_id, l.vat_category, l.vat_rate_bp, SUM(l.net_minor) AS net
                FROM invoices i JOIN customers c ON c.id = i.customer_id
                JOIN invoice_lines l ON l.invoice_id = i.id
                LEFT JOIN invoice_lines o ON o.id = l.corrects_line_id
                LEFT JOIN charges ch ON ch.id = COALESCE(l.charge_id, o.charge_id)
                WHERE \(issued)
                GROUP BY i.id, ch.service_id, l.vat_category, l.vat_rate_bp
                ORDER BY i.id
                """, arguments: arguments)
        var vat: [String: Int64] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT v.invoice_id, v.vat_category, v.vat_rate_bp, v.vat_minor
                FROM invoice_vat v JOIN invoices i ON i.id = v.invoice_id WHERE \(issued)
                """, arguments: arguments)
        {
            let key = "\(row["invoice_id"] as Int64) \(row["vat_category"] as String) \(row["vat_rate_bp"] as Int64)"
            vat[key] = row["vat_minor"]
        }
        let services = try Dictionary(
            uniqueKeysWithValues: BillingService.fetchAll(db).map { ($0.id ?? 0, "\($0.code) · \($0.name)") })
        var sums: [String: Entry] = [:]
        let groups = Dictionary(grouping: lines) {
            "\($0["invoice_id"] as Int64) \($0["vat_category"] as String) \($0["vat_rate_bp"] as Int64)"
        }
        for (key, group) in groups {
            let shares = allocate(vat[key] ?? 0, over: group.map { $0["net"] as Int64 })
            for (line, share) in zip(group, shares) {
                let service: Int64? = line["service_id"]
                let customer: Int64 = line["customer_id"]
                let month: String = line["month"]
                let id = "\(month) \(service ?? 0) \(customer)"
                if sums[id] == nil {
                    sums[id] = RevenueReport.Entry(
                        month: month, serviceId: service,
                        service: service.map { services[$0] ?? "#\($0)" } ?? "Other work", customerId: customer,
                        customer: line["customer_name"], net: 0, vat: 0)
                }
                sums[id]?.net += line["net"] as Int64
                sums[id]?.vat += share
            }
        }
        let rows = sums.values.sorted {
            ($0.month, $0.service, $0.customer) < ($1.month, $1.service, $1.customer)
        }
        return RevenueReport(from: from, to: to, rows: rows)
    }
}
