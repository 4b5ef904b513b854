import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/api/v1/services` (the price list) and `/api/v1/charges` (billable work).
package struct PriceListAPIController {
    package let prices: PriceListStore
    package let charges: ChargeStore
    package let capture: ChargeCapture

    private var currency: Currency { prices.settings.currency }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/services", .billingRead, .listServices) { _, _ in
            ItemList(items: try await prices.services().map { BillingJSON.Service($0, prices: $1, currency) })
        }
        routes.post("/api/v1/services", .billingWrite, .addService) { request, context in
            let input = try await request.decode(as: PriceListStore.ServiceInput.self, context: context)
            let service = try await prices.create(input, context: context.eventContext)
            return EditedResponse(status: .created, response: try await one(service.id ?? 0))
        }
        routes.get("/api/v1/services/{id}", .billingRead, .oneService) { _, context in
            try await one(try context.id())
        }
        routes.patch("/api/v1/services/{id}", .billingWrite, .changeService) { request, context in
            let input = try await request.decode(as: PriceListStore.ServiceInput.self, context: context)
            let service = try await prices.update(id: try context.id(), input, context: context.eventContext)
            return try await one(service.id ?? 0)
        }
        routes.post("/api/v1/services/{id}/prices", .billingWrite, .addServicePrice) { request, context in
            let input = try await request.decode(as: PriceListStore.PriceInput.self, context: context)
            let price = try await prices.addPrice(service: try context.id(), input, context: context.eventContext)
            return EditedResponse(status: .created, response: BillingJSON.Price(price, currency))
        }
        routes.get("/api/v1/charges", .billingRead, .listCharges) { request, _ in
            let query = ListQuery(request)
            let filter = ChargeStore.Filter(
                customer: try query.id("customer_id"),
                unbilled: try query.choice("unbilled", in: ["true", "false"]) == "true",
                invoice: try query.id("invoice_id"))
            return ItemList(items: try await charges.list(filter).map { BillingJSON.Charge($0, currency) })
        }
        routes.post("/api/v1/charges", .billingWrite, .addCharge) { request, context in
            let input = try await request.decode(as: ChargeStore.Input.self, context: context)
            let charge = try await charges.create(input, context: context.eventContext)
            return EditedResponse(status: .created, response: BillingJSON.Charge(charge, currency))
        }
        routes.delete("/api/v1/charges/{id}", .billingWrite, .removeCharge) { request, context in
            try await charges.delete(
                id: try context.id(), reason: ListQuery(request)["reason"], context: context.eventContext)
            return Response(status: .noContent)
        }
        routes.post("/api/v1/charges/capture", .billingWrite, .captureCharges) { _, context in
            Captured(captured: try await capture.capture(context: context.eventContext))
        }
        routes.get("/api/v1/charges/unbilled", .billingRead, .unbilledWork) { _, _ in
            // Work done since the last sweep is billable now; LabBox itself charges it.
            try await capture.capture(context: .server)
            return ItemList(
                items: try await charges.unbilled().map {
                    Unbilled(
                        customerId: $0.customerId, customerName: $0.customerName, charges: $0.charges,
                        since: $0.since, net: currency.text($0.net.minor))
                })
        }
    }

    private struct Captured: Encodable, Sendable, ResponseEncodable {
        let captured: Int
    }

    private struct Unbilled: Encodable, Sendable {
        let customerId: Int64
        let customerName: String
        let charges: Int
        let since: String
        let net: String

        enum CodingKeys: String, CodingKey {
            case charges, since, net
            case customerId = "customer_id"
            case customerName = "customer_name"
        }
    }

    private func one(_ id: Int64) async throws -> BillingJSON.Service {
        guard case (let service, let list)? = try await prices.service(id: id) else { throw PriceListStore.notFound }
        return BillingJSON.Service(service, prices: list, currency)
    }

    package init(prices: PriceListStore, charges: ChargeStore, capture: ChargeCapture) {
        self.prices = prices
        self.charges = charges
        self.capture = capture
    }
}
