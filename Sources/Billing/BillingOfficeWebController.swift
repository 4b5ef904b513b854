import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The billing office's pages: bank statements and their review, a payment and its refunds,
/// reminders and their letters, customers' statements, and sending invoices and statements.
package struct BillingOfficeWebController {
    package let office: BillingOffice
    package let pages: PageRenderer

    private var currency: Currency { office.currency }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/billing/statements", .billingRead) { request, context in try await statements(request, context) }
        routes.post("/billing/statements", .billingWrite) { request, context in try await upload(request, context) }
        routes.get("/billing/statements/{id}", .billingRead) { request, context in try await review(request, context) }
        routes.post("/billing/statements/{id}/confirm", .billingWrite) { request, context in
            try await confirm(request, context)
        }
        routes.get("/billing/payments/{id}", .billingRead) { request, context in try await payment(request, context) }
        routes.post("/billing/payments/{id}/refunds", .billingWrite) { request, context in
            try await refund(request, context)
        }
        routes.get("/billing/reminders", .billingRead) { request, context in try await reminders(request, context) }
        routes.post("/billing/reminders/run", .billingWrite) { _, context in
            try await Flash.after(redirectTo: "/billing/reminders") {
                "\(try await office.dunning.run(context: context.eventContext).count) reminders were sent."
            }
        }
        routes.get("/billing/reminders/{id}/print", .billingRead) { request, context in
            try await letter(request, context)
        }
        routes.get("/billing/customers/{id}/statement", .billingRead) { request, context in
            try await statement(request, context)
        }
        routes.post("/billing/customers/{id}/statement/email", .billingWrite) { request, context in
            let form = try await request.decode(as: PeriodForm.self, context: context)
            let id = try context.id()
            let period = try CustomerStatement.period(from: FormText.text(form.from), to: FormText.text(form.to))
            return try await Flash.after(
                redirectTo: "/billing/customers/\(id)/statement?from=\(period.from)&to=\(period.to)"
            ) {
                let to = try await office.mail.sendStatement(
                    customer: id, from: period.from, to: period.to, seller: office.seller,
                    context: context.eventContext)
                return "The statement was queued for \(to)."
            }
        }
        routes.post("/billing/invoices/{id}/email", .billingWrite) { _, context in
            let id = try context.id()
            return try await Flash.after(redirectTo: "/billing/invoices/\(id)") {
                let sent = try await office.mail.sendInvoice(id: id, context: context.eventContext)
                return "Queued for \(sent.to) with \(sent.attachments.joined(separator: " and "))."
            }
        }
    }

    private func canWrite(_ context: AppRequestContext) -> Bool { context.principal?.can(.billingWrite) == true }

    private func statements(
        _ request: Request, _ context: AppRequestContext, error: APIError? = nil, csv: String = ""
    ) async throws -> Response {
        let list = try await office.statements.statements().map {
            BankStatementsPage.Row(
                id: $0.statement.id ?? 0,
                filename: $0.statement.filename.isEmpty ? "Statement \($0.statement.id ?? 0)" : $0.statement.filename,
                importedAt: pages.time.day($0.statement.createdAt), lines: $0.statement.lines,
                skipped: $0.statement.skipped, pending: $0.pending)
        }
        return pages.page(
            "billing/statements", title: "Bank statements", section: "billing", request: request, context: context,
            model: BankStatementsPage(
                statements: list, hasStatements: !list.isEmpty, currency: currency.code, canWrite: canWrite(context),
                error: error?.message, csv: csv),
            status: error?.httpStatus ?? .ok)
    }

    private func upload(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: StatementUploadForm.self, context: context)
        do {
            let statement = try await office.statements.importCSV(
                form.csv ?? "", filename: form.filename, context: context.eventContext)
            return Flash(
                kind: .success,
                message: "\(statement.lines) lines imported"
                    + (statement.skipped > 0 ? ", \(statement.skipped) imported before skipped" : "")
                    + "; review them below."
            ).redirect(to: "/billing/statements/\(statement.id ?? 0)")
        } catch let error as APIError where error.status.code < 500 {
            return try await statements(request, context, error: error, csv: form.csv ?? "")
        }
    }

    private func review(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let review = try await office.statements.review(id: try context.id())
        let model = StatementReviewPage(review, currency: currency, canWrite: canWrite(context))
        return pages.page(
            "billing/statement-review", title: model.filename, section: "billing", request: request,
            context: context, model: model)
    }

    /// Records the decided lines; a refusal (a line set to "another" with none chosen, an invoice
    /// that cannot be paid) comes back to the review as its message, and nothing is recorded.
    private func confirm(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: [String: String].self, context: context)
        let id = try context.id()
        return try await Flash.after(redirectTo: "/billing/statements/\(id)") {
            let decisions = try Self.decisions(form)
            let recorded = try await office.statements.confirm(
                statement: id, decisions, context: context.eventContext)
            return "\(recorded) payments recorded, \(decisions.count - recorded) lines ignored."
        }
    }

    /// The form's `line_<id>` menus: `ignore`, `invoices:<id>,<id>` or `customer:<id>` (a
    /// proposal), or `invoice` or `customer` with the id chosen in the picker `other_<id>`; empty
    /// leaves the line for later.
    private static func decisions(_ form: [String: String]) throws -> [BankStatementStore.Decision] {
        var decisions: [BankStatementStore.Decision] = []
        for (name, choice) in form.sorted(by: { $0.key < $1.key }) {
            guard name.hasPrefix("line_"), let line = Int64(name.dropFirst(5)), !choice.isEmpty else { continue }
            var parts = choice.split(separator: ":", maxSplits: 1).map(String.init)
            if parts == ["invoice"] || parts == ["customer"] {
                let picked = "other_\(line)"
                guard let other = form[picked], Int64(other) != nil else {
                    throw APIError.validationFailed(
                        "A line set to another \(parts[0]) needs one chosen in the box beside it; nothing was recorded.",
                        field: picked)
                }
                parts.append(other)
            }
            let ids = (parts.count == 2 ? parts[1] : "").split(separator: ",").compactMap { Int64($0) }
            switch parts.first {
            case "ignore": decisions.append(.init(lineId: line, action: "ignore"))
            case "customer": decisions.append(.init(lineId: line, action: "record", customerId: ids.first))
            case "invoice", "invoices": decisions.append(.init(lineId: line, action: "record", invoiceIds: ids))
            default: throw APIError.invalid("Unknown choice \(choice).", field: name)
            }
        }
        return decisions
    }

    private func payment(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        guard let settled = try await office.payments.payment(id: id) else {
            throw APIError.notFound("No such payment.")
        }
        let payment = settled.payment
        let refunds = try await office.payments.refunds(payment: id)
        return pages.page(
            "billing/payment", title: "Payment of \(currency.text(payment.amountMinor))", section: "billing",
            request: request, context: context,
            model: PaymentPage(
                id: id, customerId: payment.customerId, customer: settled.customerName,
                receivedOn: payment.receivedOn, amount: currency.text(payment.amountMinor),
                method: payment.method.label, reference: payment.reference, notes: payment.notes,
                allocated: currency.text(settled.allocated), refunded: currency.text(settled.refunded),
                unallocated: currency.text(settled.unallocated),
                canRefund: canWrite(context) && settled.unallocated > 0,
                refunds: refunds.map {
                    PaymentPage.Refund(
                        refundedOn: $0.refundedOn, amount: currency.text($0.amountMinor), method: $0.method.label,
                        reference: $0.reference, reason: $0.reason)
                }, hasRefunds: !refunds.isEmpty,
                methods: Payment.Method.allCases.map {
                    Choice(value: $0.rawValue, label: $0.label, selected: $0 == .bankTransfer)
                },
                currency: currency.code))
    }

    private func refund(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: RefundForm.self, context: context)
        let id = try context.id()
        return try await Flash.after(redirectTo: "/billing/payments/\(id)") {
            let refund = try await office.payments.refund(
                payment: id,
                .init(
                    amount: FormText.text(form.amount), refundedOn: FormText.text(form.refundedOn),
                    method: form.method, reference: form.reference, reason: form.reason),
                context: context.eventContext)
            return "\(currency.text(refund.amountMinor)) was refunded."
        }
    }

    private func reminders(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let levels = office.dunning.settings.dunningDays
        let query = ListQuery(request)
        let page = try await office.dunning.reminders(after: try query.cursor(), limit: 50)
        let rows = page.items.map {
            RemindersPage.Row(
                id: $0.reminder.id ?? 0, sentOn: $0.reminder.sentOn, level: $0.reminder.level,
                title: Dunning.label(level: $0.reminder.level, of: levels.count), invoiceId: $0.reminder.invoiceId,
                number: $0.invoice.number ?? "", customer: $0.customerName, daysPastDue: $0.reminder.daysPastDue,
                open: currency.text($0.reminder.openMinor), email: $0.reminder.email)
        }
        return pages.page(
            "billing/reminders", title: "Payment reminders", section: "billing", request: request, context: context,
            model: RemindersPage(
                reminders: rows, hasReminders: !rows.isEmpty,
                levels: levels.enumerated().map {
                    "\(Dunning.label(level: $0.offset + 1, of: levels.count)) at \($0.element) days"
                }.joined(separator: ", "), currency: currency.code, canWrite: canWrite(context),
                next: query.nextPage(keeping: [], after: page.next),
                firstPage: query.firstPage("/billing/reminders", keeping: [])))
    }

    private func letter(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let sent = try await office.dunning.reminders(ids: [try context.id()], limit: 1).items.first else {
            throw Dunning.notFound
        }
        let (reminder, invoice) = (sent.reminder, sent.invoice)
        let levels = office.dunning.settings.dunningDays.count
        let invoiceCurrency = Currency(invoice.currency) ?? currency
        let model = ReminderLetterPage(
            id: reminder.id ?? 0, invoiceId: reminder.invoiceId,
            title: Dunning.label(level: reminder.level, of: levels),
            isFinal: reminder.level == levels && levels > 1,
            seller: [invoice.sellerName] + invoice.sellerAddress.split(separator: "\n").map(String.init),
            buyer: [invoice.buyerName] + invoice.buyerAddress.split(separator: "\n").map(String.init),
            sentOn: reminder.sentOn, number: invoice.number ?? "", issueDate: invoice.issueDate ?? "",
            dueDate: invoice.dueDate ?? "", daysPastDue: reminder.daysPastDue,
            gross: invoiceCurrency.text(invoice.grossMinor), open: invoiceCurrency.text(reminder.openMinor),
            currency: invoiceCurrency.code, iban: invoice.sellerIban, bic: invoice.sellerBic,
            paper: ListQuery(request)["paper"] == "letter" ? "letter" : "a4")
        return pages.page(
            "billing/reminder-print", title: "\(model.title): \(model.number)", section: "billing", request: request,
            context: context, model: model)
    }

    private func statement(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let statement = try await office.statement(
            customer: try context.id(), from: FormText.text(query["from"]), to: FormText.text(query["to"]))
        let model = StatementPage(
            statement, currency: currency, seller: office.seller, paper: query["paper"] == "letter" ? "letter" : "a4",
            canWrite: canWrite(context))
        return pages.page(
            "billing/customer-statement", title: "Statement · \(model.customer)", section: "billing",
            request: request, context: context, model: model)
    }

    package init(office: BillingOffice, pages: PageRenderer) {
        self.office = office
        self.pages = pages
    }
}
