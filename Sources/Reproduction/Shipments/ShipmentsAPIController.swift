import Biobank
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The JSON API of shipments: the header, outbound contents by code, packing, hand-over and
/// receipt, inbound check-in by the sender's codes, the shipper's return.
package struct ShipmentsAPIController {
    package let store: ShipmentStore

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/shipments", .storageRead, .listShipments) { request, _ in
            let query = ListQuery(request)
            let page = try await store.list(
                try ShipmentStore.Filter(query), after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/shipments", .storageWrite, .recordShipment) { request, context in
            let input = try await request.decode(as: ShipmentStore.Input.self, context: context)
            let shipment = try await store.create(input, context: context.eventContext)
            return EditedResponse(status: .created, response: try await store.detail(id: shipment.id ?? 0))
        }
        routes.get("/api/v1/shipments/{id}", .storageRead, .oneShipment) { _, context in
            try await store.detail(id: try context.id())
        }
        routes.patch("/api/v1/shipments/{id}", .storageWrite, .changeShipment) { request, context in
            let input = try await request.decode(as: ShipmentStore.Input.self, context: context)
            let shipment = try await store.update(id: try context.id(), input, context: context.eventContext)
            return try await store.detail(id: shipment.id ?? 0)
        }
        routes.post("/api/v1/shipments/{id}/items", .storageWrite, .addStrawToShipment) { request, context in
            let input = try await request.decode(as: ShipmentStore.ItemInput.self, context: context)
            let item = try await store.add(to: try context.id(), input, context: context.eventContext)
            return EditedResponse(status: .created, response: try await store.detail(id: item.shipmentId))
        }
        routes.delete("/api/v1/shipment-items/{id}", .storageWrite, .removeStrawFromShipment) { _, context in
            let item = try await store.remove(item: try context.id(), context: context.eventContext)
            return try await store.detail(id: item.shipmentId)
        }
        routes.post("/api/v1/shipments/{id}/pack", .storageWrite, .packShipment) { _, context in
            let shipment = try await store.pack(id: try context.id(), context: context.eventContext)
            return try await store.detail(id: shipment.id ?? 0)
        }
        routes.post("/api/v1/shipments/{id}/hand-over", .storageWrite, .handOverShipment) { request, context in
            let input = try await request.decode(as: ShipmentStore.HandOverInput.self, context: context)
            let shipment = try await store.handOver(id: try context.id(), input, context: context.eventContext)
            return try await store.detail(id: shipment.id ?? 0)
        }
        routes.post("/api/v1/shipments/{id}/receive", .storageWrite, .receiveShipment) { request, context in
            let input = try await request.decode(as: ShipmentStore.ReceiveInput.self, context: context)
            let shipment = try await store.receive(id: try context.id(), input, context: context.eventContext)
            return try await store.detail(id: shipment.id ?? 0)
        }
        routes.post("/api/v1/shipments/{id}/check-in", .storageWrite, .checkInArrivingStraw) { request, context in
            let input = try await request.decode(as: ShipmentStore.CheckInInput.self, context: context)
            let straw = try await store.checkIn(to: try context.id(), input, context: context.eventContext)
            return EditedResponse(status: .created, response: straw)
        }
        routes.post("/api/v1/shipments/{id}/shipper-return", .storageWrite, .returnDryShipper) { request, context in
            let input = try await request.decode(as: ShipperReturn.self, context: context)
            let shipment = try await store.returnShipper(
                id: try context.id(), at: input.returnedAt, context: context.eventContext)
            return try await store.detail(id: shipment.id ?? 0)
        }
        routes.post("/api/v1/shipments/{id}/cancel", .storageWrite, .cancelShipment) { request, context in
            let input = try await request.decode(as: Cancellation.self, context: context)
            let shipment = try await store.cancel(
                id: try context.id(), reason: input.reason, context: context.eventContext)
            return try await store.detail(id: shipment.id ?? 0)
        }
    }

    struct ShipperReturn: Decodable {
        var returnedAt: String?

        enum CodingKeys: String, CodingKey { case returnedAt = "returned_at" }
    }

    struct Cancellation: Decodable {
        var reason: String?
    }

    package init(store: ShipmentStore) {
        self.store = store
    }
}
