import Customers
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Mail to customers' billing addresses: an issued invoice (HTML and text, with the invoice as a
/// self-contained HTML file and its e-invoice XML attached) and account statements. Queued in the
/// outbox in the transaction that audits the sending.
package struct BillingMail: Sendable {
    package let database: AppDatabase
    package let invoices: InvoiceStore
    package let pages: PageRenderer

    private var currency: Currency { invoices.settings.currency }

    /// Where a customer's bills go: the billing address, else the general one.
    static func address(of customer: Customer?) -> String {
        [customer?.billingEmail, customer?.email].compactMap { $0 }.first { !$0.isEmpty } ?? ""
    }

    static func noAddress(_ name: String) -> APIError {
        APIError(
            status: .conflict, code: "conflict",
            message: "\(name) has no billing email address; add one to the customer record.")
    }

    /// Queues the issued invoice or credit note `id`; the recipient and the attachments' names.
    package func sendInvoice(id: Int64, context: EventContext) async throws -> (to: String, attachments: [String]) {
        guard let document = try await invoices.document(id: id) else { throw InvoiceStore.notFound }
        let invoice = document.invoice
        guard invoice.state == .issued, let number = invoice.number else {
            throw APIError(
                status: .conflict, code: "conflict",
                message:
                    "Only an issued \(invoice.kind.label.lowercased()) can be sent; this one is \(invoice.state.rawValue)."
            )
        }
        let page = InvoicePage(document, paper: "a4", canWrite: false)
        let xml: String
        do {
            xml = try CrossIndustryInvoice.xml(document)
        } catch is CrossIndustryInvoice.NoCountry {
            throw APIError(
                status: .conflict, code: "conflict",
                message:
                    "No country for the seller or buyer: end lab.address or the customer's address with its ISO code.")
        }
        let attachments = [
            EmailMessage.Attachment(
                filename: "\(number).html", contentType: "text/html; charset=utf-8",
                content: Data(pages.document("billing/invoice-attachment", model: page).utf8)),
            EmailMessage.Attachment(
                filename: "\(number).xml", contentType: "application/xml", content: Data(xml.utf8)),
        ]
        let invoiceCurrency = Currency(invoice.currency) ?? currency
        return try await database.write(context) { write in
            let customer = try Customer.fetchOne(write.db, key: invoice.customerId)
            let to = invoice.buyerEmail.isEmpty ? Self.address(of: customer) : invoice.buyerEmail
            guard !to.isEmpty else { throw Self.noAddress(invoice.buyerName) }
            try EmailMessage.queue(
                write.db, to: to,
                mail: InvoiceMail(
                    kind: invoice.kind.label, isInvoice: invoice.kind == .invoice, number: number,
                    buyer: invoice.buyerName, seller: invoice.sellerName, issueDate: invoice.issueDate ?? "",
                    dueDate: invoice.dueDate ?? "", gross: invoiceCurrency.text(invoice.grossMinor),
                    currency: invoiceCurrency.code, iban: invoice.sellerIban, bic: invoice.sellerBic,
                    purchaseOrder: invoice.purchaseOrder),
                subject: "\(invoice.kind.label) \(number) from \(invoice.sellerName)", attachments: attachments)
            try write.log(
                "email", entityType: Invoice.auditEntity, entityID: String(id),
                after: AuditValue.encode([
                    "to": .text(try PersonalData.token(write.db, .customer(invoice.customerId), to)),
                    "attachments": .text(attachments.map(\.filename).joined(separator: ", ")),
                ]))
            return (to, attachments.map(\.filename))
        }
    }

    /// Queues customer `id`'s statement of the period; the recipient.
    package func sendStatement(customer id: Int64, from: String, to: String, seller: String, context: EventContext)
        async throws -> String
    {
        try await database.write(context) { write in
            guard let statement = try CustomerStatement.load(write.db, customer: id, from: from, to: to) else {
                throw APIError.notFound("No customer has id \(id).")
            }
            let recipient = Self.address(of: statement.customer)
            guard !recipient.isEmpty else { throw Self.noAddress(statement.customer.name) }
            let page = StatementPage(statement, currency: currency, seller: seller, paper: "a4", canWrite: false)
            // Only the one of owes and credit that applies is present, so the template shows only it.
            let mail = StatementMail(
                customer: page.customer, seller: seller, from: from, to: to, currency: currency.code,
                opening: page.opening, closing: page.closing,
                entries: page.entries.map {
                    StatementMail.Entry(
                        day: $0.day, kind: $0.kind, text: $0.text, amount: $0.amount, balance: $0.balance)
                }, owes: page.owes, credit: page.credit)
            try EmailMessage.queue(
                write.db, to: recipient, mail: mail,
                subject: "Statement of account \(from) to \(to) from \(seller)")
            try write.log(
                "email_statement", entityType: "customer", entityID: String(id),
                after: AuditValue.encode([
                    "to": .text(try PersonalData.token(write.db, .customer(id), recipient)), "from": .text(from),
                    "until": .text(to),
                ]))
            return recipient
        }
    }

    package init(database: AppDatabase, invoices: InvoiceStore, pages: PageRenderer) {
        self.database = database
        self.invoices = invoices
        self.pages = pages
    }
}
