import Foundation
import Hummingbird
import LabBoxServer
import LabBoxValues

/// `/api/v1/storage`: containers, occupancy, free positions, movements and tank fills.
package struct StorageAPIController {
    package let store: StorageStore

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/storage/containers", .storageRead, .listContainers) { request, _ in
            ContainerList(items: try await store.children(of: try ListQuery(request).integer("parent_id")))
        }
        routes.get("/api/v1/storage/containers/lookup", .storageRead, .findContainers) { request, _ in
            guard let words = try Lookup.words(ListQuery(request)) else { return ItemList<Lookup.Match>(items: []) }
            return try await store.lookup(words)
        }
        routes.post("/api/v1/storage/containers", .admin, .addContainer) { request, context in
            let input = try await request.decode(as: StorageStore.ContainerInput.self, context: context)
            return EditedResponse(
                status: .created, response: try await store.createContainer(input, context: context.eventContext))
        }
        routes.get("/api/v1/storage/containers/{id}", .storageRead, .oneContainer) { _, context in
            let container = try await container(context)
            return ContainerDetail(
                container: container, address: try await store.address(of: container.id ?? 0),
                usage: try await store.usage(of: container.id ?? 0))
        }
        routes.get("/api/v1/storage/containers/{id}/map", .storageRead, .occupancyMap) { _, context in
            CellList(items: try await store.map(of: try await container(context)))
        }
        routes.get("/api/v1/storage/containers/{id}/free", .storageRead, .firstFreePositions) { request, context in
            let query = ListQuery(request)
            let count = try query.limit(default: 1, maximum: 1000, name: "count")
            return SlotList(items: try await store.freeSlots(in: try await container(context).id ?? 0, count: count))
        }
        routes.get("/api/v1/storage/containers/{id}/fills", .storageRead, .tankFillLog) { _, context in
            FillList(items: try await store.fills(tank: try await container(context).id ?? 0))
        }
        routes.post("/api/v1/storage/containers/{id}/fills", .storageWrite, .logLiquidNitrogenFill) {
            request, context in
            let input = try await request.decode(as: StorageStore.FillInput.self, context: context)
            let fill = try await store.recordFill(
                tank: try context.id(), input, by: context.principal, context: context.eventContext)
            return EditedResponse(status: .created, response: FillList(items: [fill]))
        }
        routes.post("/api/v1/storage/check-in", .storageWrite, .checkSampleIn) { request, context in
            let body = try await request.decode(as: PlacementRequest.self, context: context)
            return try await store.place(
                body.placement, reason: body.reason, moving: false, context: context.eventContext)
        }
        routes.post("/api/v1/storage/move", .storageWrite, .moveStoredSample) { request, context in
            let body = try await request.decode(as: PlacementRequest.self, context: context)
            return try await store.place(
                body.placement, reason: body.reason, moving: true, context: context.eventContext)
        }
        routes.post("/api/v1/storage/check-out", .storageWrite, .checkSampleOut) { request, context in
            let body = try await request.decode(as: CheckOutRequest.self, context: context)
            return try await store.checkOut(
                body.sampleId, reason: body.reason, note: body.note, context: context.eventContext)
        }
        routes.post("/api/v1/storage/moves", .storageWrite, .moveManySamples) { request, context in
            let body = try await request.decode(as: BulkMoveRequest.self, context: context)
            guard (1...1000).contains(body.moves.count) else {
                throw APIError.invalid("Give 1 to 1000 moves.", field: "moves")
            }
            return try await store.moveAll(body.moves, reason: body.reason, context: context.eventContext).response
        }
    }

    package struct ContainerList: ResponseEncodable { let items: [StorageContainer] }
    package struct CellList: ResponseEncodable { let items: [StorageStore.Cell] }
    package struct SlotList: ResponseEncodable { let items: [StorageStore.Slot] }
    package struct FillList: ResponseEncodable { let items: [TankFill] }

    package struct ContainerDetail: ResponseEncodable {
        package let container: StorageContainer
        package let address: String
        package let usage: StorageStore.Usage

        package enum Keys: String, CodingKey { case address, used, capacity }

        package func encode(to encoder: Encoder) throws {
            try container.encode(to: encoder)
            var keyed = encoder.container(keyedBy: Keys.self)
            try keyed.encode(address, forKey: .address)
            try keyed.encode(usage.used, forKey: .used)
            try keyed.encode(usage.capacity, forKey: .capacity)
        }
    }

    package struct PlacementRequest: Decodable {
        package let placement: StorageStore.Placement
        package let reason: String?

        package enum CodingKeys: String, CodingKey { case reason }

        package init(from decoder: Decoder) throws {
            placement = try StorageStore.Placement(from: decoder)
            reason = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .reason)
        }
    }

    package struct CheckOutRequest: Decodable {
        package let sampleId: Int64
        package let reason: StorageStore.CheckOutReason
        package let note: String?

        package enum CodingKeys: String, CodingKey {
            case reason, note
            case sampleId = "sample_id"
        }
    }

    package struct BulkMoveRequest: Decodable {
        package let moves: [StorageStore.Placement]
        package let reason: String?
    }

    private func container(_ context: AppRequestContext) async throws -> StorageContainer {
        guard let container = try await store.container(id: try context.id()) else {
            throw APIError.notFound("No such container.")
        }
        return container
    }

    package init(store: StorageStore) {
        self.store = store
    }
}

extension StorageStore {
    package func address(of id: Int64) async throws -> String {
        try await database.read { try Self.address($0, container: id, position: nil) }
    }
}
