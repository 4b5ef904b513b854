import Attachments
import Collaboration
import Customers
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The billing pages: overview (unbilled work, latest invoices), price list, a customer's billing,
/// invoices with their actions and print view, payments and the aging report.
package struct BillingWebController {
    package let prices: PriceListStore
    package let charges: ChargeStore
    package let capture: ChargeCapture
    package let invoices: InvoiceStore
    package let payments: PaymentStore
    package let customers: CustomerStore
    package let pages: PageRenderer

    private var currency: Currency { prices.settings.currency }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/billing", .billingRead) { request, context in try await overview(request, context) }
        routes.get("/billing/services", .billingRead) { request, context in try await services(request, context) }
        routes.post("/billing/services", .billingWrite) { request, context in try await addService(request, context) }
        routes.get("/billing/services/{id}", .billingRead) { request, context in try await service(request, context) }
        routes.post("/billing/services/{id}", .billingWrite) { request, context in
            try await changeService(request, context)
        }
        routes.post("/billing/services/{id}/prices", .billingWrite) { request, context in
            try await addPrice(request, context)
        }
        routes.get("/billing/customers/{id}", .billingRead) { request, context in try await customer(request, context) }
        routes.post("/billing/charges", .billingWrite) { request, context in try await addCharge(request, context) }
        routes.get("/billing/invoices", .billingRead) { request, context in try await invoiceList(request, context) }
        routes.post("/billing/invoices", .billingWrite) { request, context in try await draft(request, context) }
        routes.get("/billing/invoices/{id}", .billingRead) { request, context in
            try await invoice(request, context, template: "billing/invoice")
        }
        routes.get("/billing/invoices/{id}/print", .billingRead) { request, context in
            try await invoice(request, context, template: "billing/invoice-print")
        }
        routes.post("/billing/invoices/{id}/issue", .billingWrite) { _, context in try await issue(context) }
        routes.post("/billing/invoices/{id}/discard", .billingWrite) { _, context in try await discard(context) }
        routes.post("/billing/invoices/{id}/void", .billingWrite) { request, context in
            try await void(request, context)
        }
        routes.post("/billing/invoices/{id}/credit", .billingWrite) { request, context in
            try await credit(request, context)
        }
        routes.get("/billing/payments", .billingRead) { request, context in try await paymentList(request, context) }
        routes.post("/billing/payments", .billingWrite) { request, context in try await record(request, context) }
        routes.get("/billing/aging", .billingRead) { request, context in try await aging(request, context) }
    }

    private func canWrite(_ context: AppRequestContext) -> Bool { context.principal?.can(.billingWrite) == true }

    private func overview(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try await capture.capture(context: .server)
        let unbilled = try await charges.unbilled().map {
            BillingOverviewPage.Unbilled(
                customerId: $0.customerId, customer: $0.customerName, charges: $0.charges, since: $0.since,
                net: currency.text($0.net.minor))
        }
        let latest = try await invoices.list(.init(), limit: 20).map(InvoiceRow.init)
        return pages.page(
            "billing/overview", title: "Billing", section: "billing", request: request, context: context,
            model: BillingOverviewPage(
                unbilled: unbilled, invoices: latest, currency: currency.code, canWrite: canWrite(context),
                hasUnbilled: !unbilled.isEmpty, hasInvoices: !latest.isEmpty))
    }

    private func services(_ request: Request, _ context: AppRequestContext, error: APIError? = nil) async throws
        -> Response
    {
        let today = Day.today
        let rows = try await prices.services().map { service, prices in
            ServicesPage.Row(
                id: service.id ?? 0, code: service.code, name: service.name, unit: service.unit,
                vat: "\(service.vatCategory) \(service.rate.text) %", work: service.work ?? "—",
                price: prices.first { $0.customerId == nil && $0.validFrom <= today && ($0.validTo ?? today) >= today }
                    .map { $0.unitPrice.text(currency) } ?? "—")
        }
        return pages.page(
            "billing/services", title: "Price list", section: "billing", request: request, context: context,
            model: ServicesPage(
                services: rows, hasServices: !rows.isEmpty, categories: Self.categories(selected: "S"),
                currency: currency.code,
                canWrite: canWrite(context), error: error?.message),
            status: error?.httpStatus ?? .ok)
    }

    private static func categories(selected: String) -> [Choice] {
        VATCategory.allCases.map {
            Choice(value: $0.rawValue, label: "\($0.rawValue): \($0.label)", selected: $0.rawValue == selected)
        }
    }

    private func addService(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: ServiceForm.self, context: context)
        do {
            let service = try await prices.create(form.input, context: context.eventContext)
            return Flash(kind: .success, message: "\(service.code) was added.")
                .redirect(to: "/billing/services/\(service.id ?? 0)")
        } catch let error as APIError where error.status.code < 500 {
            return try await services(request, context, error: error)
        }
    }

    private func service(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard case (let service, let list)? = try await prices.service(id: try context.id()) else {
            throw PriceListStore.notFound
        }
        let menu = try await charges.customers()
        let names = Dictionary(uniqueKeysWithValues: menu.map { ($0.id, $0.name) })
        return pages.page(
            "billing/service", title: "\(service.code) · \(service.name)", section: "billing", request: request,
            context: context,
            model: ServicePage(
                id: service.id ?? 0, code: service.code, name: service.name, unit: service.unit,
                vatRate: service.rate.text, work: service.work ?? "", revenueAccount: service.revenueAccount,
                categories: Self.categories(selected: service.vatCategory),
                prices: list.map {
                    ServicePage.Price(
                        customer: $0.customerId.map { names[$0] ?? "#\($0)" } ?? "everyone",
                        unitPrice: $0.unitPrice.text(currency), validFrom: $0.validFrom, validTo: $0.validTo ?? "—")
                },
                customers: menu.map { Choice(value: String($0.id), label: $0.name) },
                currency: currency.code, canWrite: canWrite(context)))
    }

    private func changeService(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: ServiceForm.self, context: context)
        let id = try context.id()
        return try await Flash.after(redirectTo: "/billing/services/\(id)") {
            var input = form.input
            (input.code, input.unitPrice, input.validFrom) = (nil, nil, nil)
            return "\(try await prices.update(id: id, input, context: context.eventContext).code) was saved."
        }
    }

    private func addPrice(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: PriceForm.self, context: context)
        let id = try context.id()
        return try await Flash.after(redirectTo: "/billing/services/\(id)") {
            let price = try await prices.addPrice(service: id, try form.input(), context: context.eventContext)
            return "The price \(price.unitPrice.text(currency)) from \(price.validFrom) was added."
        }
    }

    private func customer(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        guard let customer = try await customers.customer(id: id) else {
            throw APIError.notFound("No customer has id \(id).")
        }
        try await capture.capture(context: .server)
        let unbilled = try await charges.list(.init(customer: id, unbilled: true))
        let rows = unbilled.map { charge in
            CustomerBillingPage.ChargeRow(
                performedOn: charge.performedOn, description: charge.description,
                quantity: Quantity(milli: charge.quantityMilli).text, unit: charge.unit,
                unitPrice: UnitPrice(e4: charge.unitPriceE4).text(currency),
                vat: "\(charge.vatCategory) \(charge.line.rate.text) %",
                net: currency.text(
                    InvoiceArithmetic.lineNet(charge.line.quantity, charge.line.unitPrice, currency)?.minor ?? 0),
                link: charge.sourceLink)
        }
        let net = unbilled.compactMap { InvoiceArithmetic.lineNet($0.line.quantity, $0.line.unitPrice, currency) }
            .reduce(Money.zero, +)
        let credit = try await payments.credit(customer: id)
        let billed = try await invoices.list(.init(customer: id)).map(InvoiceRow.init)
        return pages.page(
            "billing/customer", title: "Billing · \(customer.name)", section: "billing", request: request,
            context: context,
            model: CustomerBillingPage(
                customerId: id, customer: customer.name, charges: rows, hasCharges: !rows.isEmpty,
                unbilledNet: currency.text(net.minor), invoices: billed, hasInvoices: !billed.isEmpty,
                services: try await prices.services().map {
                    Choice(value: String($0.0.id ?? 0), label: "\($0.0.code) · \($0.0.name)")
                }, credit: currency.text(credit), currency: currency.code, canWrite: canWrite(context)))
    }

    private func addCharge(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: ChargeForm.self, context: context)
        return try await Flash.after(redirectTo: "/billing/customers/\(form.customerId ?? "")") {
            let charge = try await charges.create(try form.input(), context: context.eventContext)
            return "The charge \(charge.description) was added."
        }
    }

    private func invoiceList(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let state = try query.choice("state", in: Invoice.State.allCases.map(\.rawValue))
        let order = query["purchase_order"]
        let list = try await invoices.list(.init(state: state.flatMap(Invoice.State.init), purchaseOrder: order))
        return pages.page(
            "billing/invoices", title: "Invoices", section: "billing", request: request, context: context,
            model: InvoicesPage(
                invoices: list.map(InvoiceRow.init), hasInvoices: !list.isEmpty,
                states: Invoice.State.allCases.map { Choice(value: $0.rawValue, selected: $0.rawValue == state) },
                purchaseOrder: order ?? "", currency: currency.code))
    }

    private func draft(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: DraftForm.self, context: context)
        let customer = try FormText.id(form.customerId, field: "customer_id")
        do {
            let invoice = try await invoices.draft(
                .init(customerId: customer, purchaseOrder: form.purchaseOrder), context: context.eventContext)
            return Flash(kind: .success, message: "A draft was made; check it, then issue it.")
                .redirect(to: "/billing/invoices/\(invoice.id ?? 0)")
        } catch let error as APIError where error.status.code < 500 {
            return Flash(kind: .info, message: error.message).redirect(to: "/billing/customers/\(customer ?? 0)")
        }
    }

    private func invoice(_ request: Request, _ context: AppRequestContext, template: String) async throws -> Response {
        guard let document = try await invoices.document(id: try context.id()) else { throw InvoiceStore.notFound }
        var model = InvoicePage(
            document, paper: ListQuery(request)["paper"] == "letter" ? "letter" : "a4", canWrite: canWrite(context))
        if template == "billing/invoice" {
            model.attachments = try await AttachmentPanel.load(
                Invoice.attachable, id: document.invoice.id ?? 0, database: invoices.database,
                principal: context.principal, time: pages.time)
            model.activity = try await RecordActivity.load(
                Invoice.attachable, id: document.invoice.id ?? 0, database: invoices.database,
                principal: context.principal, time: pages.time)
        }
        return pages.page(
            template, title: model.title, section: "billing", request: request, context: context, model: model)
    }

    private func issue(_ context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        return try await Flash.after(redirectTo: "/billing/invoices/\(id)") {
            "Issued as \(try await invoices.issue(id: id, context: context.eventContext).number ?? "")."
        }
    }

    private func discard(_ context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        do {
            try await invoices.discard(id: id, context: context.eventContext)
            return Flash(kind: .success, message: "The draft was discarded; its work is unbilled again.")
                .redirect(to: "/billing")
        } catch let error as APIError where error.status.code < 500 {
            return Flash(kind: .info, message: error.message).redirect(to: "/billing/invoices/\(id)")
        }
    }

    private func void(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: ReasonForm.self, context: context)
        let id = try context.id()
        return try await Flash.after(redirectTo: "/billing/invoices/\(id)") {
            _ = try await invoices.void(id: id, reason: form.reason, context: context.eventContext)
            return "The invoice is void; its work is unbilled again."
        }
    }

    private func credit(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: ReasonForm.self, context: context)
        let id = try context.id()
        do {
            let note = try await invoices.credit(invoice: id, .init(reason: form.reason), context: context.eventContext)
            return Flash(kind: .success, message: "Credit note \(note.number ?? "") was issued.")
                .redirect(to: "/billing/invoices/\(note.id ?? 0)")
        } catch let error as APIError where error.status.code < 500 {
            return Flash(kind: .info, message: error.message).redirect(to: "/billing/invoices/\(id)")
        }
    }

    private func paymentList(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let page = try await payments.payments(after: try query.cursor(), limit: 50)
        return pages.page(
            "billing/payments", title: "Payments", section: "billing", request: request, context: context,
            model: PaymentsPage(
                payments: page.items.map {
                    PaymentsPage.Row(
                        id: $0.payment.id ?? 0, receivedOn: $0.payment.receivedOn, customer: $0.customerName,
                        amount: currency.text($0.payment.amountMinor), method: $0.payment.method.label,
                        reference: $0.payment.reference, unallocated: currency.text($0.unallocated))
                },
                methods: Payment.Method.allCases.map {
                    Choice(value: $0.rawValue, label: $0.label, selected: $0 == .bankTransfer)
                },
                currency: currency.code, canWrite: canWrite(context),
                next: query.nextPage(keeping: [], after: page.next),
                firstPage: query.firstPage("/billing/payments", keeping: [])))
    }

    /// Records a payment; with an invoice chosen, allocates as much of it as the invoice owes.
    private func record(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: PaymentForm.self, context: context)
        return try await Flash.after(redirectTo: "/billing/payments") {
            var input = try form.input()
            if let wanted = input.allocations?.first, let amount = input.amount.flatMap(currency.minor),
                let open = try await invoices.document(id: wanted.invoiceId)?.summary.open
            {
                input.allocations = [
                    .init(invoiceId: wanted.invoiceId, amount: currency.text(min(amount, max(open, 0))))
                ]
                if open <= 0 { input.allocations = nil }
            }
            let payment = try await payments.record(input, context: context.eventContext)
            return "The payment of \(currency.text(payment.amountMinor)) was recorded."
        }
    }

    private func aging(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        // The form sends an empty field for "today".
        let day = try InvoicesAPIController.asOf(FormText.text(ListQuery(request)["as_of"]))
        let report = try await payments.aging(asOf: day)
        func row(_ id: Int64, _ name: String, _ amounts: [PaymentStore.Bucket: Int64]) -> AgingPage.Row {
            let text = { (bucket: PaymentStore.Bucket) in currency.text(amounts[bucket] ?? 0) }
            return AgingPage.Row(
                customerId: id, customer: name, current: text(.current), days1To30: text(.days1to30),
                days31To60: text(.days31to60), days61To90: text(.days61to90), over90: text(.over90),
                total: currency.text(amounts.values.reduce(0, +)))
        }
        return pages.page(
            "billing/aging", title: "Aging of receivables", section: "billing", request: request, context: context,
            model: AgingPage(
                asOf: day, rows: report.rows.map { row($0.customerId, $0.customerName, $0.amounts) },
                totals: row(0, "Total", report.totals), currency: currency.code))
    }

    package init(
        prices: PriceListStore, charges: ChargeStore, capture: ChargeCapture, invoices: InvoiceStore,
        payments: PaymentStore, customers: CustomerStore, pages: PageRenderer
    ) {
        (self.prices, self.charges, self.capture, self.invoices) = (prices, charges, capture, invoices)
        (self.payments, self.customers, self.pages) = (payments, customers, pages)
    }
}
