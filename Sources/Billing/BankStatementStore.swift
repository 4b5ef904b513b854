import Customers
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Bank statements: imported lines, the payments they are proposed to be (matched to open
/// invoices), and the review that records them. Proposals are worked out when the statement is
/// read, from what is open then, so a line confirmed earlier never leaves a stale one behind.
package struct BankStatementStore: Sendable {
    package let database: AppDatabase
    package let payments: PaymentStore

    private var currency: Currency { payments.settings.currency }

    /// Stores the file's lines not imported before; 409 when every one of them was.
    package func importCSV(_ text: String, filename: String?, context: EventContext) async throws -> BankStatement {
        let lines = try BankStatementCSV.lines(text, currency: currency)
        let name = try InputCheck.text(filename, field: "filename", limit: 200)
        return try await database.write(context) { write in
            let known = try Set(
                String.fetchAll(
                    write.db,
                    sql:
                        "SELECT line_hash FROM bank_statement_lines WHERE line_hash IN (SELECT value FROM json_each(?))",
                    arguments: [String(decoding: try JSONEncoder().encode(lines.map(\.hash)), as: UTF8.self)]))
            let new = lines.filter { !known.contains($0.hash) }
            guard !new.isEmpty else {
                throw APIError(
                    status: .conflict, code: "conflict",
                    message: "Every line of this file was imported before; nothing was added.")
            }
            var statement = BankStatement(
                filename: name, lines: new.count, skipped: lines.count - new.count, createdAt: Date())
            try write.insert(&statement, action: "import")
            for line in new {
                var row = BankStatementLine(
                    statementId: statement.id ?? 0, lineNumber: line.number, bookedOn: line.bookedOn,
                    amountMinor: line.amountMinor, reference: line.reference, counterparty: line.counterparty,
                    lineHash: line.hash, updatedAt: Date())
                try write.insert(&row, action: "import")
            }
            return statement
        }
    }

    // MARK: Proposals

    /// What a line is proposed to be: which rule matched, the customer, the invoices it pays.
    package struct Proposal: Sendable {
        package enum Rule: String, Sendable {
            /// Invoice numbers in the reference.
            case reference
            /// The one open invoice owing exactly the amount.
            case amount
            /// No invoice, but the counterparty is a customer's name: credit.
            case counterparty
            /// Money going out: not a customer's payment.
            case outgoing
            case none
        }
        package let rule: Rule
        package let customer: (id: Int64, name: String)?
        package let invoices: [OpenInvoice]
    }

    package struct OpenInvoice: Sendable {
        package let id: Int64
        package let number: String
        package let customerId: Int64
        package let customerName: String
        package let open: Int64
    }

    package struct Review: Sendable {
        package let statement: BankStatement
        package let lines: [(line: BankStatementLine, proposal: Proposal?)]
        package var pending: Int { lines.filter { $0.line.state == .pending }.count }
    }

    /// A customer a payer's name is compared with, the name lowercased once for every line.
    struct Payer {
        let id: Int64
        let name: String
        let key: String
    }

    static func openInvoices(_ db: Database) throws -> [OpenInvoice] {
        // `paid` and `credited` are the summary's columns (SQLite reads result aliases in WHERE).
        try InvoiceSummary.fetch(
            db, where: "i.kind = 'invoice' AND i.state = 'issued' AND i.gross_minor + credited - paid > 0",
            arguments: [100_000], today: Day.today
        ).reversed().map {
            OpenInvoice(
                id: $0.invoice.id ?? 0, number: $0.invoice.number ?? "", customerId: $0.invoice.customerId,
                customerName: $0.customerName, open: $0.open)
        }
    }

    /// The matching rules, in order (docs/decisions/0028): invoice numbers quoted in the
    /// reference (those of the first such invoice's customer); else the one open invoice owing
    /// exactly the amount (among several, the one whose customer the counterparty names); else a
    /// customer the counterparty names, for credit.
    static func propose(_ line: BankStatementLine, open: [OpenInvoice], customers: [Payer]) -> Proposal {
        guard line.amountMinor > 0 else { return Proposal(rule: .outgoing, customer: nil, invoices: []) }
        let reference = line.reference.uppercased()
        let quoted = open.filter { quotes(reference, $0.number.uppercased()) }
        if let first = quoted.first {
            return Proposal(
                rule: .reference, customer: (first.customerId, first.customerName),
                invoices: quoted.filter { $0.customerId == first.customerId })
        }
        let payer = line.counterparty.lowercased()
        func named(_ key: String) -> Bool {
            !payer.isEmpty && !key.isEmpty && (payer.contains(key) || key.contains(payer))
        }
        var exact = open.filter { $0.open == line.amountMinor }
        if exact.count > 1 { exact = exact.filter { named($0.customerName.lowercased()) } }
        if exact.count == 1, let invoice = exact.first {
            return Proposal(rule: .amount, customer: (invoice.customerId, invoice.customerName), invoices: [invoice])
        }
        let payers = customers.filter { named($0.key) }
        if payers.count == 1, let customer = payers.first {
            return Proposal(rule: .counterparty, customer: (customer.id, customer.name), invoices: [])
        }
        return Proposal(rule: .none, customer: nil, invoices: [])
    }

    /// Whether `text` holds `number` as a word of its own (not inside a longer number).
    static func quotes(_ text: String, _ number: String) -> Bool {
        guard !number.isEmpty else { return false }
        var start = text.startIndex
        while let found = text.range(of: number, range: start..<text.endIndex) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
            if !(before?.isLetter ?? false || before?.isNumber ?? false)
                && !(after?.isLetter ?? false || after?.isNumber ?? false)
            {
                return true
            }
            start = text.index(after: found.lowerBound)
        }
        return false
    }

    package func review(id: Int64) async throws -> Review {
        try await database.read { db in
            guard let statement = try BankStatement.fetchOne(db, key: id) else { throw Self.notFound }
            let open = try Self.openInvoices(db)
            let customers = try Row.fetchAll(
                db,
                sql: "SELECT id, name FROM customers WHERE deleted_at IS NULL ORDER BY name COLLATE NOCASE LIMIT 2000"
            ).map { row in Payer(id: row[0], name: row[1], key: (row[1] as String).lowercased()) }
            let lines = try BankStatementLine.filter(BankStatementLine.CodingKeys.statementId == id)
                .order(BankStatementLine.CodingKeys.lineNumber).fetchAll(db)
            return Review(
                statement: statement,
                lines: lines.map {
                    ($0, $0.state == .pending ? Self.propose($0, open: open, customers: customers) : nil)
                })
        }
    }

    package struct Summary: Sendable {
        package let statement: BankStatement
        package let pending: Int
    }

    package func statements(limit: Int = 100) async throws -> [Summary] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.*, (SELECT COUNT(*) FROM bank_statement_lines l
                                 WHERE l.statement_id = s.id AND l.state = 'pending') AS pending
                    FROM bank_statements s ORDER BY s.id DESC LIMIT ?
                    """, arguments: [limit]
            ).map { Summary(statement: try BankStatement(row: $0), pending: $0["pending"]) }
        }
    }

    // MARK: Confirming

    /// The reviewer's decision on one line: record it as a payment of `customer_id` (of the
    /// invoices' customer when absent), settling `invoice_ids` in order up to what each owes, the
    /// rest credit; or ignore it.
    package struct Decision: Codable, Sendable {
        package var lineId: Int64
        package var action: String?
        package var customerId: Int64?
        package var invoiceIds: [Int64]?

        package enum CodingKeys: String, CodingKey {
            case action
            case lineId = "line_id"
            case customerId = "customer_id"
            case invoiceIds = "invoice_ids"
        }

        package init(lineId: Int64, action: String, customerId: Int64? = nil, invoiceIds: [Int64]? = nil) {
            (self.lineId, self.action, self.customerId, self.invoiceIds) = (lineId, action, customerId, invoiceIds)
        }
    }

    /// Every decision in one transaction, or none: payments, their allocations and the lines'
    /// new states, each audited. A line decided before answers 409.
    package func confirm(statement id: Int64, _ decisions: [Decision], context: EventContext) async throws -> Int {
        guard !decisions.isEmpty else {
            throw APIError.validationFailed("Decide at least one line.", field: "lines")
        }
        return try await database.write(context) { write in
            guard try BankStatement.fetchOne(write.db, key: id) != nil else { throw Self.notFound }
            var recorded = 0
            for (index, decision) in decisions.enumerated() {
                let path = "lines.\(index)"
                guard let previous = try BankStatementLine.fetchOne(write.db, key: decision.lineId),
                    previous.statementId == id
                else {
                    throw APIError.validationFailed(
                        "Line \(decision.lineId) is not a line of this statement.", field: path + ".line_id")
                }
                guard previous.state == .pending else {
                    throw APIError(
                        status: .conflict, code: "conflict",
                        message: "Line \(previous.lineNumber) is \(previous.state.rawValue) already.",
                        field: path + ".line_id")
                }
                var line = previous
                line.updatedAt = Date()
                switch decision.action {
                case "ignore":
                    line.state = .ignored
                    try write.update(line, from: previous, action: "ignore", reason: nil)
                case "record":
                    line.paymentId = try record(previous, decision, path: path, write)
                    line.state = .recorded
                    try write.update(line, from: previous, action: "record", reason: nil)
                    recorded += 1
                default:
                    throw APIError.validationFailed("record or ignore.", field: path + ".action")
                }
            }
            return recorded
        }
    }

    private func record(_ line: BankStatementLine, _ decision: Decision, path: String, _ write: AuditedWrite) throws
        -> Int64
    {
        guard line.amountMinor > 0 else {
            throw APIError.validationFailed(
                "Money going out is not a customer's payment; ignore it.", field: path + ".action")
        }
        let wanted = decision.invoiceIds ?? []
        let open = try Self.openInvoices(write.db)
        var customerID = decision.customerId
        if customerID == nil, let first = wanted.first {
            customerID = try Invoice.fetchOne(write.db, key: first)?.customerId
        }
        guard let customerID else {
            throw APIError.validationFailed(
                "Whose payment it is: customer_id or invoice_ids.", field: path + ".customer_id")
        }
        guard let customer = try Customer.fetchOne(write.db, key: customerID), customer.deletedAt == nil else {
            throw APIError.validationFailed("No customer has id \(customerID).", field: path + ".customer_id")
        }
        var payment = Payment(
            customerId: customerID, receivedOn: line.bookedOn, amountMinor: line.amountMinor, method: .bankTransfer,
            reference: String(line.reference.prefix(200)),
            notes: "Bank statement \(line.statementId), line \(line.lineNumber)"
                + (line.counterparty.isEmpty ? "" : ": \(line.counterparty)"), createdAt: Date())
        try write.insert(&payment, action: "import")
        // Up to what each invoice owes, in the order given; whatever is left stays credit.
        var left = line.amountMinor
        var allocations: [PaymentStore.AllocationInput] = []
        for invoice in wanted where left > 0 {
            guard let owed = open.first(where: { $0.id == invoice })?.open else {
                guard let found = try Invoice.fetchOne(write.db, key: invoice), found.customerId == customerID,
                    found.kind == .invoice
                else {
                    throw APIError.validationFailed(
                        "Invoice \(invoice) is not an invoice of this customer.", field: path + ".invoice_ids")
                }
                guard found.state == .issued else {
                    throw APIError(
                        status: .conflict, code: "conflict",
                        message: "Invoice \(found.number ?? "draft") is \(found.state.rawValue); it cannot be paid.",
                        field: path + ".invoice_ids")
                }
                // Paid in full since it was proposed: the money is credit.
                continue
            }
            let amount = min(left, owed)
            left -= amount
            allocations.append(.init(invoiceId: invoice, amount: currency.text(amount)))
        }
        try payments.allocate(allocations, of: payment, field: path + ".invoice_ids", write)
        return payment.id ?? 0
    }

    static let notFound = APIError.notFound("No such bank statement.")

    package init(database: AppDatabase, payments: PaymentStore) {
        self.database = database
        self.payments = payments
    }
}
