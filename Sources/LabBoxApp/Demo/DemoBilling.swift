import Billing
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxValues

/// A price list that bills the demo's reproduction and lab work, the charges captured from it,
/// invoices for the customers with the most work, and payments of some of them. Written through
/// the stores, so numbering, totals and audit apply as in use.
package struct DemoBilling {
    package let database: AppDatabase
    package let config: AppConfig

    package init(database: AppDatabase, config: AppConfig) {
        self.database = database
        self.config = config
    }

    /// Services of the list: code, name, unit, net price, the work it bills.
    static let services: [(String, String, String, String, String?)] = [
        ("OPU", "Ovum pick-up session", "session", "120", "opu_session"),
        ("IVP", "IVF and embryo culture", "batch", "85.50", "ivf_batch"),
        ("ET", "Embryo transfer", "recipient", "65", "embryo_transfer"),
        ("LAB-P4", "Progesterone (ELISA)", "test", "14.90", "lab_test:P4"),
        ("LAB-PTM", "Post-thaw motility (CASA)", "test", "12.50", "lab_test:PTM"),
        ("STORE", "Straw storage", "straw-month", "0.125", StorageAccrual.work),
    ]

    /// Creates the list, captures the work and last month's storage, issues up to `invoices`
    /// invoices (every third under a purchase order of its own unless its lab orders name one)
    /// and pays every other one.
    package func generate(invoices: Int, context: EventContext) async throws -> String {
        let settings = config.billing
        let prices = PriceListStore(database: database, settings: settings)
        for (code, name, unit, price, work) in Self.services {
            _ = try await prices.create(
                .init(
                    code: code, name: name, unit: unit, vatCategory: "S", vatRate: "19", work: work, unitPrice: price,
                    validFrom: "2020-01-01"), context: context)
        }
        let charged = try await ChargeCapture(database: database).capture(context: context)
        let stored = try await StorageAccrual(database: database).accrue(
            month: StorageAccrual.lastMonth, context: context)
        let store = InvoiceStore(database: database, settings: settings, seller: (config.labName, config.labAddress))
        let payments = PaymentStore(database: database, settings: settings)
        let customers = try await ChargeStore(database: database, settings: settings).unbilled()
            .sorted { $0.charges > $1.charges }.prefix(invoices)
        var paid = 0
        var unpaid: [Invoice] = []
        for (index, customer) in customers.enumerated() {
            let order = index % 3 == 1 ? "PO-\(Day.today.prefix(4))-\(100 + index)" : nil
            var input = InvoiceStore.DraftInput(customerId: customer.customerId, purchaseOrder: order)
            // The unpaid ones fell due a while ago, so the aging report and the reminders have work.
            if !index.isMultiple(of: 2) { input.dueDate = Day.adding(-10 * index, to: Day.today) }
            let draft = try await store.draft(input, context: context)
            let invoice = try await store.issue(id: draft.id ?? 0, context: context)
            guard index.isMultiple(of: 2) else {
                unpaid.append(invoice)
                continue
            }
            let amount = settings.currency.text(invoice.grossMinor)
            _ = try await payments.record(
                .init(
                    customerId: customer.customerId, amount: amount, reference: invoice.number,
                    allocations: [.init(invoiceId: invoice.id ?? 0, amount: amount)]), context: context)
            paid += 1
        }
        let reminders = try await Dunning(database: database, settings: settings).run(context: context)
        let statement = try await bankStatement(paying: unpaid, payments: payments, context: context)
        return "\(Self.services.count) services, \(charged) charges, storage of \(StorageAccrual.lastMonth) for "
            + "\(stored) customers, \(customers.count) invoices (\(paid) paid), \(reminders.count) reminders, "
            + "a bank statement of \(statement) lines"
    }

    /// A statement quoting the unpaid invoices' numbers and a bank fee; the first line is
    /// confirmed as proposed, the rest wait for review.
    private func bankStatement(paying invoices: [Invoice], payments: PaymentStore, context: EventContext)
        async throws -> Int
    {
        let currency = config.billing.currency
        let lines = invoices.prefix(3).map {
            "\(Day.today),\(currency.text($0.grossMinor)),Invoice \($0.number ?? ""),"
                + "\"\($0.buyerName.replacingOccurrences(of: "\"", with: "\"\""))\""
        }
        let csv = (["date,amount,reference,counterparty"] + lines + ["\(Day.today),-12.50,Account fee,Bank"])
            .joined(separator: "\n")
        let store = BankStatementStore(database: database, payments: payments)
        let statement = try await store.importCSV(csv, filename: "demo-statement.csv", context: context)
        let review = try await store.review(id: statement.id ?? 0)
        if let (line, proposal) = review.lines.first, let proposal, let customer = proposal.customer {
            _ = try await store.confirm(
                statement: statement.id ?? 0,
                [
                    .init(
                        lineId: line.id ?? 0, action: "record", customerId: customer.id,
                        invoiceIds: proposal.invoices.map(\.id))
                ], context: context)
        }
        return statement.lines
    }
}
