import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/api/v1/invoices` (drafts, issue, void, credit notes), `/api/v1/payments` and
/// `/api/v1/receivables/aging`.
package struct InvoicesAPIController {
    package let invoices: InvoiceStore
    package let payments: PaymentStore

    private var currency: Currency { payments.settings.currency }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/invoices", .billingRead, .listInvoices) { request, _ in
            let query = ListQuery(request)
            let filter = InvoiceStore.Filter(
                customer: try query.id("customer_id"),
                state: try query.choice("state", in: Invoice.State.allCases.map(\.rawValue)).flatMap(
                    Invoice.State.init),
                kind: try query.choice("kind", in: Invoice.Kind.allCases.map(\.rawValue)).flatMap(Invoice.Kind.init),
                purchaseOrder: query["purchase_order"])
            return ItemList(items: try await invoices.list(filter).map { BillingJSON.Invoice($0) })
        }
        routes.get("/api/v1/invoices/lookup", .billingRead, .findInvoices) { request, _ in
            let query = ListQuery(request)
            let open = try query.choice("open", in: ["true", "false"]) == "true"
            guard let words = try Lookup.words(query) else { return ItemList<Lookup.Match>(items: []) }
            return try await invoices.lookup(words, open: open)
        }
        routes.post("/api/v1/invoices", .billingWrite, .draftInvoice) { request, context in
            let input = try await request.decode(as: InvoiceStore.DraftInput.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await one(try await invoices.draft(input, context: context.eventContext).id))
        }
        routes.get("/api/v1/invoices/{id}", .billingRead, .oneInvoice) { _, context in
            try await one(try context.id())
        }
        routes.get("/api/v1/invoices/{id}/einvoice", .billingRead, .invoiceEInvoice) { _, context in
            try await eInvoice(try context.id())
        }
        routes.patch("/api/v1/invoices/{id}", .billingWrite, .changeDraftInvoice) { request, context in
            let input = try await request.decode(as: InvoiceStore.DraftInput.self, context: context)
            return try await one(
                try await invoices.update(id: try context.id(), input, context: context.eventContext).id)
        }
        routes.delete("/api/v1/invoices/{id}", .billingWrite, .discardDraftInvoice) { _, context in
            try await invoices.discard(id: try context.id(), context: context.eventContext)
            return Response(status: .noContent)
        }
        routes.post("/api/v1/invoices/{id}/issue", .billingWrite, .issueInvoice) { _, context in
            try await one(try await invoices.issue(id: try context.id(), context: context.eventContext).id)
        }
        routes.post("/api/v1/invoices/{id}/void", .billingWrite, .voidInvoice) { request, context in
            let input = try await request.decode(as: Reason.self, context: context)
            return try await one(
                try await invoices.void(id: try context.id(), reason: input.reason, context: context.eventContext).id)
        }
        routes.post("/api/v1/invoices/{id}/credit-notes", .billingWrite, .creditInvoice) { request, context in
            let input = try await request.decode(as: InvoiceStore.CreditInput.self, context: context)
            let note = try await invoices.credit(invoice: try context.id(), input, context: context.eventContext)
            return EditedResponse(status: .created, response: try await one(note.id))
        }
        routes.get("/api/v1/payments", .billingRead, .listPayments) { request, _ in
            let query = ListQuery(request)
            let page = try await payments.payments(
                customer: try query.id("customer_id"), after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items.map { BillingJSON.Payment($0, currency) }, next: page.next)
        }
        routes.post("/api/v1/payments", .billingWrite, .recordPayment) { request, context in
            let input = try await request.decode(as: PaymentStore.Input.self, context: context)
            let payment = try await payments.record(input, context: context.eventContext)
            return EditedResponse(status: .created, response: try await onePayment(payment.id ?? 0))
        }
        routes.get("/api/v1/payments/{id}", .billingRead, .onePayment) { _, context in
            try await onePayment(try context.id())
        }
        routes.post("/api/v1/payments/{id}/allocations", .billingWrite, .allocatePayment) { request, context in
            let input = try await request.decode(as: Allocations.self, context: context)
            _ = try await payments.allocate(
                payment: try context.id(), input.allocations ?? [], context: context.eventContext)
            return try await onePayment(try context.id())
        }
        routes.get("/api/v1/receivables/aging", .billingRead, .agingReport) { request, _ in
            let day = try Self.asOf(ListQuery(request)["as_of"])
            return BillingJSON.Aging(try await payments.aging(asOf: day), currency)
        }
    }

    /// `as_of` (YYYY-MM-DD), today when absent; present but empty is refused like any other non-date.
    static func asOf(_ text: String?) throws -> String {
        guard let text else { return Day.today }
        guard let day = Day.date(text) else { throw APIError.invalid("as_of must be YYYY-MM-DD.", field: "as_of") }
        return Day.text(day)
    }

    private struct Reason: Decodable {
        let reason: String?
    }

    private struct Allocations: Decodable {
        let allocations: [PaymentStore.AllocationInput]?
    }

    private func one(_ id: Int64?) async throws -> BillingJSON.Invoice {
        guard let document = try await invoices.document(id: id ?? 0) else { throw InvoiceStore.notFound }
        return BillingJSON.Invoice(document.summary, document: document)
    }

    /// The e-invoice of an issued (or since voided) document; a draft has no number to state.
    private func eInvoice(_ id: Int64?) async throws -> Response {
        guard let document = try await invoices.document(id: id ?? 0) else { throw InvoiceStore.notFound }
        let invoice = document.invoice
        guard invoice.state != .draft, let number = invoice.number else {
            throw APIError(status: .conflict, code: "conflict", message: "A draft has no e-invoice: issue it first.")
        }
        let xml: String
        do {
            xml = try CrossIndustryInvoice.xml(document)
        } catch is CrossIndustryInvoice.NoCountry {
            throw APIError(
                status: .conflict, code: "conflict",
                message:
                    "No country for the seller or buyer: end lab.address or the customer's address with its ISO code.")
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/xml; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(number).xml\"",
            ], body: .init(byteBuffer: ByteBuffer(string: xml)))
    }

    private func onePayment(_ id: Int64) async throws -> BillingJSON.Payment {
        guard let payment = try await payments.payment(id: id) else { throw APIError.notFound("No such payment.") }
        return BillingJSON.Payment(payment, currency)
    }

    package init(invoices: InvoiceStore, payments: PaymentStore) {
        self.invoices = invoices
        self.payments = payments
    }
}
