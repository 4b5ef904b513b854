import Biobank
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The JSON API of OPU sessions and IVF batches: the oocytes collected, the batches made of
/// them and their culture checks.
package struct OPUAndIVFAPIController {
    package let lab: ReproductionStore

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/opu-sessions", .reproductionRead, .listOPUSessions) { request, _ in
            let query = ListQuery(request)
            let page = try await lab.opuSessions(
                donor: try query.id("donor"), after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/opu-sessions", .reproductionWrite, .recordOPUSession) { request, context in
            let input = try await request.decode(as: ReproductionStore.OPUInput.self, context: context)
            return EditedResponse(
                status: .created, response: try await lab.createOPU(input, context: context.eventContext))
        }
        routes.get("/api/v1/opu-sessions/{id}", .reproductionRead, .oneOPUSession) { _, context in
            guard let session = try await lab.opu(id: try context.id()) else {
                throw APIError.notFound("No such OPU session.")
            }
            return session
        }
        routes.get("/api/v1/ivf-batches", .reproductionRead, .listIVFBatches) { request, _ in
            let query = ListQuery(request)
            let page = try await lab.batches(after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/ivf-batches", .reproductionWrite, .startIVFBatch) { request, context in
            let input = try await request.decode(as: ReproductionStore.BatchInput.self, context: context)
            return EditedResponse(
                status: .created, response: try await lab.createBatch(input, context: context.eventContext))
        }
        routes.get("/api/v1/ivf-batches/{id}", .reproductionRead, .oneIVFBatch) { _, context in
            guard let report = try await lab.batch(id: try context.id()) else {
                throw APIError.notFound("No such batch.")
            }
            return report
        }
        routes.post("/api/v1/ivf-batches/{id}/checks", .reproductionWrite, .recordCultureCheck) { request, context in
            let input = try await request.decode(as: ReproductionStore.CheckInput.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await lab.addCheck(batch: try context.id(), input, context: context.eventContext))
        }
    }

    package init(lab: ReproductionStore) {
        self.lab = lab
    }
}
