import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The billing office's work, as its API and pages share it: bank statements, refunds, dunning,
/// customer statements and mail.
package struct BillingOffice: Sendable {
    package let statements: BankStatementStore
    package let dunning: Dunning
    package let mail: BillingMail
    /// The lab's name, signing statements.
    package let seller: String

    var payments: PaymentStore { statements.payments }
    var database: AppDatabase { statements.database }
    var currency: Currency { payments.settings.currency }

    package func statement(customer id: Int64, from: String?, to: String?) async throws -> CustomerStatement {
        let period = try CustomerStatement.period(from: from, to: to)
        guard
            let statement = try await database.read({ db in
                try CustomerStatement.load(db, customer: id, from: period.from, to: period.to)
            })
        else { throw APIError.notFound("No customer has id \(id).") }
        return statement
    }

    package init(database: AppDatabase, invoices: InvoiceStore, payments: PaymentStore, pages: PageRenderer) {
        statements = BankStatementStore(database: database, payments: payments)
        dunning = Dunning(database: database, settings: payments.settings)
        mail = BillingMail(database: database, invoices: invoices, pages: pages)
        seller = invoices.seller.name
    }
}
