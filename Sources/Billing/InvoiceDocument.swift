import Foundation
import GRDB
import LabBoxPlatform
import LabBoxValues

/// Where an invoice stands, derived from its amount, credit notes, payments and due date.
package enum InvoiceStatus: String, Sendable, Codable, CaseIterable {
    case draft, void, open
    case partlyPaid = "partly_paid"
    case paid, overdue
    /// A credit note, once issued.
    case issued

    static func of(_ invoice: Invoice, open: Int64, settled: Bool, today: String) -> InvoiceStatus {
        switch (invoice.state, invoice.kind) {
        case (.draft, _): return .draft
        case (.void, _): return .void
        case (.issued, .creditNote): return .issued
        case (.issued, .invoice):
            if open <= 0 { return .paid }
            if let due = invoice.dueDate, due < today { return .overdue }
            return settled ? .partlyPaid : .open
        }
    }

    package var label: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

/// An invoice in a list: its amounts so far and its status.
package struct InvoiceSummary: Sendable {
    package let invoice: Invoice
    package let customerName: String
    /// Σ allocations of payments.
    package let paid: Int64
    /// Σ issued credit notes' gross amounts (negative).
    package let credited: Int64
    package let status: InvoiceStatus

    /// What the customer still owes: gross + credit notes − payments.
    package var open: Int64 {
        invoice.kind == .invoice && invoice.state == .issued ? invoice.grossMinor + credited - paid : 0
    }

    static func fetch(_ db: Database, where condition: String, arguments: StatementArguments, today: String) throws
        -> [InvoiceSummary]
    {
        try Row.fetchAll(
            db,
            sql: """
                SELECT i.*, c.name AS customer_name,
                  COALESCE((SELECT SUM(amount_minor) FROM payment_allocations a WHERE a.invoice_id = i.id), 0) AS paid,
                  COALESCE((SELECT SUM(n.gross_minor) FROM invoices n
                            WHERE n.corrects_id = i.id AND n.state = 'issued'), 0) AS credited
                FROM invoices i JOIN customers c ON c.id = i.customer_id
                WHERE \(condition) ORDER BY i.id DESC LIMIT ?
                """, arguments: arguments
        ).map { row in
            let invoice = try Invoice(row: row)
            let paid: Int64 = row["paid"]
            let credited: Int64 = row["credited"]
            return InvoiceSummary(
                invoice: invoice, customerName: row["customer_name"], paid: paid, credited: credited,
                status: .of(
                    invoice, open: invoice.grossMinor + credited - paid, settled: paid > 0 || credited != 0,
                    today: today))
        }
    }
}

/// An invoice with its lines, VAT breakdown, credit notes and payments: what its page and its
/// JSON show.
package struct InvoiceDocument: Sendable {
    package struct Allocation: Sendable {
        package let paymentId: Int64
        package let receivedOn: String
        package let amount: Int64
        package let reference: String
    }

    package let summary: InvoiceSummary
    package let lines: [InvoiceLine]
    package let groups: [InvoiceArithmetic.Group]
    package let creditNotes: [Invoice]
    package let allocations: [Allocation]
    /// A credit note's invoice number.
    package let corrects: String?

    package var invoice: Invoice { summary.invoice }

    static func load(_ db: Database, id: Int64, today: String) throws -> InvoiceDocument? {
        guard
            let summary = try InvoiceSummary.fetch(db, where: "i.id = ?", arguments: [id, 1], today: today).first
        else { return nil }
        let invoice = summary.invoice
        let lines = try InvoiceLine.filter(InvoiceLine.CodingKeys.invoiceId == id)
            .order(InvoiceLine.CodingKeys.position).fetchAll(db)
        // A draft's breakdown is computed; an issued one's is read as it was frozen.
        let groups: [InvoiceArithmetic.Group]
        if invoice.state == .draft {
            groups = (try? InvoiceStore.totals(of: lines, invoice).groups) ?? []
        } else {
            groups = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM invoice_vat WHERE invoice_id = ? ORDER BY vat_category, vat_rate_bp
                    """, arguments: [id]
            ).map { row in
                InvoiceArithmetic.Group(
                    category: VATCategory(rawValue: row["vat_category"]) ?? .standard,
                    rate: VATRate(basisPoints: row["vat_rate_bp"]) ?? VATRate(basisPoints: 0)!,
                    taxable: Money(minor: row["taxable_minor"]), vat: Money(minor: row["vat_minor"]))
            }
        }
        let allocations = try Row.fetchAll(
            db,
            sql: """
                SELECT a.payment_id, p.received_on, a.amount_minor, p.reference
                FROM payment_allocations a JOIN payments p ON p.id = a.payment_id
                WHERE a.invoice_id = ? ORDER BY p.received_on, a.id
                """, arguments: [id]
        ).map {
            Allocation(
                paymentId: $0["payment_id"], receivedOn: $0["received_on"], amount: $0["amount_minor"],
                reference: $0["reference"])
        }
        return InvoiceDocument(
            summary: summary, lines: lines, groups: groups,
            creditNotes: try Invoice.filter(Invoice.CodingKeys.correctsId == id).order(Invoice.CodingKeys.id)
                .fetchAll(db),
            allocations: allocations,
            corrects: try invoice.correctsId.flatMap { try Invoice.fetchOne(db, key: $0)?.number })
    }
}

/// The issued document as its SHA-256 covers it: every term the invoice states, as canonical
/// JSON (sorted keys, no spaces), amounts as decimal text. Its keys are spelled out in snake case
/// rather than converted by the encoder, which cost a third of the encoding in the month-end run.
struct IssuedDocument: Encodable {
    struct Party: Encodable {
        let name: String
        let address: String
        let vatId: String

        enum CodingKeys: String, CodingKey {
            case name, address
            case vatId = "vat_id"
        }
    }
    struct Line: Encodable {
        let position: Int
        let description: String
        let performedOn: String
        let quantity: String
        let unit: String
        let unitPrice: String
        let vatCategory: String
        let vatRate: String
        let net: String

        enum CodingKeys: String, CodingKey {
            case position, description, quantity, unit, net
            case performedOn = "performed_on"
            case unitPrice = "unit_price"
            case vatCategory = "vat_category"
            case vatRate = "vat_rate"
        }
    }
    struct Group: Encodable {
        let category: String
        let rate: String
        let taxable: String
        let vat: String
    }
    enum CodingKeys: String, CodingKey {
        case number, currency, seller, buyer, iban, bic, corrects, lines, vat, net, gross
        case typeCode = "type_code"
        case issueDate = "issue_date"
        case dueDate = "due_date"
        case purchaseOrder = "purchase_order"
        case vatTotal = "vat_total"
    }
    let typeCode: Int
    let number: String
    let issueDate: String
    let dueDate: String
    let currency: String
    let seller: Party
    let buyer: Party
    let iban: String
    let bic: String
    let purchaseOrder: String
    let corrects: String?
    let lines: [Line]
    let vat: [Group]
    let net: String
    let vatTotal: String
    let gross: String

    init(_ invoice: Invoice, lines: [InvoiceLine], totals: InvoiceArithmetic.Totals, corrects: String?) throws {
        let currency = Currency(invoice.currency) ?? .euro
        typeCode = invoice.kind.typeCode
        number = invoice.number ?? ""
        issueDate = invoice.issueDate ?? ""
        dueDate = invoice.dueDate ?? ""
        self.currency = currency.code
        seller = Party(name: invoice.sellerName, address: invoice.sellerAddress, vatId: invoice.sellerVatId)
        buyer = Party(name: invoice.buyerName, address: invoice.buyerAddress, vatId: invoice.buyerVatId)
        (iban, bic, purchaseOrder, self.corrects) = (
            invoice.sellerIban, invoice.sellerBic, invoice.purchaseOrder, corrects
        )
        self.lines = zip(lines, totals.lineNets).map { line, net in
            Line(
                position: line.position, description: line.description, performedOn: line.performedOn,
                quantity: Quantity(milli: line.quantityMilli).text, unit: line.unit,
                unitPrice: UnitPrice(e4: line.unitPriceE4).text(currency), vatCategory: line.vatCategory,
                vatRate: line.line.rate.text, net: currency.text(net.minor))
        }
        vat = totals.groups.map {
            Group(
                category: $0.category.rawValue, rate: $0.rate.text, taxable: currency.text($0.taxable.minor),
                vat: currency.text($0.vat.minor))
        }
        net = currency.text(totals.net.minor)
        vatTotal = currency.text(totals.vat.minor)
        gross = currency.text(totals.gross.minor)
    }

    var canonicalJSON: Data {
        get throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return try encoder.encode(self)
        }
    }
}
