import Biobank
import Foundation
import Hummingbird
import LabBoxServer
import LabBoxValues

/// The embryo actions posted from an IVF batch's page: grading, freezing and discarding. Each
/// returns to the page with what happened.
package struct EmbryosWebController {
    package let embryos: EmbryoStore

    package func addRoutes(to routes: RouteTable) {
        routes.post("/reproduction/batches/{id}/embryos", .reproductionWrite) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: GradeForm.self, context: context)
            return try await ReproductionWebController.backToBatchPage(request) {
                let graded = try await embryos.grade(
                    batch: id,
                    .init(
                        day: try FormText.int(form.day, field: "day"),
                        embryos: try Self.codes(FormText.text(form.codes))),
                    context: context.eventContext)
                return "\(graded.count) embryos graded: \(graded.map(\.iets).joined(separator: ", "))."
            }
        }
        routes.post("/reproduction/embryos/{id}/freeze", .reproductionWrite) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: FreezeForm.self, context: context)
            return try await ReproductionWebController.backToBatchPage(request) {
                let (embryo, straw) = try await embryos.freeze(
                    id: id,
                    .init(
                        containerId: try FormText.id(form.containerId, field: "container_id"),
                        method: FormText.text(form.method)),
                    context: context.eventContext)
                let address = try await embryos.database.read {
                    try StorageStore.address($0, container: straw.containerId ?? 0, position: straw.position)
                }
                return "\(embryo.code) (\(embryo.iets)) frozen into straw \(straw.externalId) at \(address)."
            }
        }
        routes.post("/reproduction/embryos/{id}/discard", .reproductionWrite) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: DiscardForm.self, context: context)
            return try await ReproductionWebController.backToBatchPage(request) {
                let embryo = try await embryos.discard(
                    id: id, reason: FormText.text(form.reason), context: context.eventContext)
                return "\(embryo.code) discarded."
            }
        }
    }

    /// Embryos graded on one day, written as IETS codes.
    struct GradeForm: Decodable {
        var day: String?
        var codes: String?
    }

    /// A straw position for an embryo to be frozen into.
    struct FreezeForm: Decodable {
        var containerId: String?
        var method: String?

        enum CodingKeys: String, CodingKey {
            case method
            case containerId = "container_id"
        }
    }

    struct DiscardForm: Decodable {
        var reason: String?
    }

    /// "7-1 7-1 6-2" (IETS stage-grade, separated by spaces or commas) as gradings.
    package static func codes(_ text: String?) throws -> [EmbryoStore.Grade] {
        let parts = (text ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\r" })
        return try parts.map { part in
            let numbers = part.split(separator: "-").compactMap { Int($0) }
            guard numbers.count == 2 else {
                throw APIError.invalid(
                    "Write each embryo as stage-grade, e.g. 7-1; \"\(part)\" is not.", field: "codes")
            }
            return EmbryoStore.Grade(stage: numbers[0], grade: numbers[1])
        }
    }

    package init(embryos: EmbryoStore) {
        self.embryos = embryos
    }
}
