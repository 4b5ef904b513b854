import Biobank
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The JSON API of semen collections and their processing into straws.
package struct SemenAPIController {
    package let semen: SemenStore

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/semen-collections", .reproductionRead, .listSemenCollections) { request, _ in
            let query = ListQuery(request)
            let page = try await semen.collections(after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/semen-collections", .reproductionWrite, .recordSemenCollection) { request, context in
            let input = try await request.decode(as: SemenStore.Input.self, context: context)
            return EditedResponse(
                status: .created, response: try await semen.create(input, context: context.eventContext))
        }
        routes.get("/api/v1/semen-collections/{id}", .reproductionRead, .oneSemenCollectionWithItsStraws) {
            _, context in
            guard let (collection, straws) = try await semen.collection(id: try context.id()) else {
                throw APIError.notFound("No such semen collection.")
            }
            return CollectionBody(collection: collection, straws: straws)
        }
        routes.post("/api/v1/semen-collections/{id}/process", .reproductionWrite, .processIntoStraws) {
            request, context in
            let input = try await request.decode(as: SemenStore.ProcessInput.self, context: context)
            let straws = try await semen.process(id: try context.id(), input, context: context.eventContext)
            return EditedResponse(status: .created, response: ItemList(items: straws))
        }
    }

    package struct CollectionBody: Encodable, Sendable, ResponseEncodable {
        package let collection: SemenCollection
        package let straws: [Sample]
    }

    package init(semen: SemenStore) {
        self.semen = semen
    }
}
