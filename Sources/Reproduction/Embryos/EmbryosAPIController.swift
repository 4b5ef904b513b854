import Biobank
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The JSON API of embryos: graded from a batch or recorded after a flush, regraded, frozen into
/// straws, discarded.
package struct EmbryosAPIController {
    package let embryos: EmbryoStore

    package func addRoutes(to routes: RouteTable) {
        routes.post("/api/v1/ivf-batches/{id}/embryos", .reproductionWrite, .gradeEmbryosOfBatch) { request, context in
            let input = try await request.decode(as: EmbryoStore.GradingInput.self, context: context)
            let graded = try await embryos.grade(batch: try context.id(), input, context: context.eventContext)
            return EditedResponse(status: .created, response: ItemList(items: graded))
        }
        routes.post("/api/v1/embryos", .reproductionWrite, .recordFlushedInVivoEmbryos) { request, context in
            let input = try await request.decode(as: EmbryoStore.GradingInput.self, context: context)
            let graded = try await embryos.grade(batch: nil, input, context: context.eventContext)
            return EditedResponse(status: .created, response: ItemList(items: graded))
        }
        routes.get("/api/v1/embryos/lookup", .reproductionRead, .findEmbryos) { request, _ in
            let query = ListQuery(request)
            let transferable = try query.choice("transferable", in: ["true", "false"]) == "true"
            guard let words = try Lookup.words(query) else { return ItemList<Lookup.Match>(items: []) }
            return try await embryos.lookup(words, transferable: transferable)
        }
        routes.get("/api/v1/embryos/{id}", .reproductionRead, .oneEmbryo) { _, context in
            let embryoID = try context.id()
            return try await embryos.database.read { try EmbryoStore.embryo($0, id: embryoID) }
        }
        routes.patch("/api/v1/embryos/{id}", .reproductionWrite, .regradeEmbryoInCulture) { request, context in
            let input = try await request.decode(as: EmbryoStore.RegradeInput.self, context: context)
            return try await embryos.regrade(id: try context.id(), input, context: context.eventContext)
        }
        routes.post("/api/v1/embryos/{id}/freeze", .reproductionWrite, .freezeEmbryoIntoStraw) { request, context in
            let input = try await request.decode(as: EmbryoStore.FreezeInput.self, context: context)
            let (embryo, straw) = try await embryos.freeze(id: try context.id(), input, context: context.eventContext)
            return EditedResponse(status: .created, response: Frozen(embryo: embryo, straw: straw))
        }
        routes.post("/api/v1/embryos/{id}/discard", .reproductionWrite, .discardEmbryoInCulture) { request, context in
            let input = try await request.decode(as: ReasonBody.self, context: context)
            return try await embryos.discard(id: try context.id(), reason: input.reason, context: context.eventContext)
        }
    }

    package struct Frozen: Encodable, Sendable, ResponseEncodable {
        package let embryo: Embryo
        package let straw: Sample
    }

    package struct ReasonBody: Decodable, Sendable { var reason: String? }

    package init(embryos: EmbryoStore) {
        self.embryos = embryos
    }
}
