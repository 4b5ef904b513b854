import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/api/v1/bank-statements`, refunds of payments, `/api/v1/reminders`, customers' statements and
/// invoice email.
package struct BillingOfficeAPIController {
    package let office: BillingOffice

    private var currency: Currency { office.currency }
    private var levels: Int { office.dunning.settings.dunningDays.count }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/bank-statements", .billingRead, .listBankStatements) { _, _ in
            ItemList(items: try await office.statements.statements().map(BillingOfficeJSON.Statement.init))
        }
        routes.post("/api/v1/bank-statements", .billingWrite, .importBankStatement) { request, context in
            let text = try await CSVTable.body(request, context)
            let statement = try await office.statements.importCSV(
                text, filename: ListQuery(request)["filename"], context: context.eventContext)
            return EditedResponse(status: .created, response: try await review(statement.id ?? 0))
        }
        routes.get("/api/v1/bank-statements/{id}", .billingRead, .oneBankStatement) { _, context in
            try await review(try context.id())
        }
        routes.post("/api/v1/bank-statements/{id}/confirm", .billingWrite, .confirmBankStatement) { request, context in
            let input = try await request.decode(as: Decisions.self, context: context)
            _ = try await office.statements.confirm(
                statement: try context.id(), input.lines ?? [], context: context.eventContext)
            return try await review(try context.id())
        }
        routes.post("/api/v1/payments/{id}/refunds", .billingWrite, .refundPayment) { request, context in
            let input = try await request.decode(as: PaymentStore.RefundInput.self, context: context)
            let refund = try await office.payments.refund(
                payment: try context.id(), input, context: context.eventContext)
            return EditedResponse(status: .created, response: BillingOfficeJSON.Refund(refund, currency))
        }
        routes.get("/api/v1/reminders", .billingRead, .listReminders) { request, _ in
            let query = ListQuery(request)
            let page = try await office.dunning.reminders(
                invoice: try query.id("invoice_id"), customer: try query.id("customer_id"),
                after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items.map { BillingOfficeJSON.Reminder($0, levels: levels) }, next: page.next)
        }
        routes.post("/api/v1/reminders/run", .billingWrite, .runReminders) { _, context in
            let made = try await office.dunning.run(context: context.eventContext)
            let ids = made.compactMap(\.id)
            let sent = try await office.dunning.reminders(ids: ids, limit: max(ids.count, 1)).items
            return BillingOfficeJSON.Reminders(
                created: made.count, items: sent.map { BillingOfficeJSON.Reminder($0, levels: levels) })
        }
        routes.get("/api/v1/reminders/{id}", .billingRead, .oneReminder) { _, context in
            guard let sent = try await office.dunning.reminders(ids: [try context.id()], limit: 1).items.first else {
                throw Dunning.notFound
            }
            return BillingOfficeJSON.Reminder(sent, levels: levels)
        }
        routes.get("/api/v1/customers/{id}/statement", .billingRead, .customerStatement) { request, context in
            let query = ListQuery(request)
            let statement = try await office.statement(customer: try context.id(), from: query["from"], to: query["to"])
            return BillingOfficeJSON.AccountStatement(statement, currency)
        }
        routes.post("/api/v1/customers/{id}/statement/email", .billingWrite, .emailStatement) { request, context in
            let input = try await request.decode(as: PeriodForm.self, context: context)
            let period = try CustomerStatement.period(from: input.from, to: input.to)
            let to = try await office.mail.sendStatement(
                customer: try context.id(), from: period.from, to: period.to, seller: office.seller,
                context: context.eventContext)
            return EditedResponse(status: .accepted, response: BillingOfficeJSON.Sent(to: to, attachments: nil))
        }
        routes.post("/api/v1/invoices/{id}/email", .billingWrite, .emailInvoice) { _, context in
            let sent = try await office.mail.sendInvoice(id: try context.id(), context: context.eventContext)
            return EditedResponse(
                status: .accepted, response: BillingOfficeJSON.Sent(to: sent.to, attachments: sent.attachments))
        }
    }

    private struct Decisions: Decodable {
        let lines: [BankStatementStore.Decision]?
    }

    private func review(_ id: Int64) async throws -> BillingOfficeJSON.Statement {
        BillingOfficeJSON.Statement(try await office.statements.review(id: id), currency)
    }

    package init(office: BillingOffice) {
        self.office = office
    }
}
