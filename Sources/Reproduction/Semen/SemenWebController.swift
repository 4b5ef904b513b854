import Animals
import Biobank
import Foundation
import GRDB
import Hummingbird
import LabBoxServer
import LabBoxValues

/// The semen pages: a collection's evaluation, and processing it into straws in the tank.
package struct SemenWebController {
    package let store: SemenStore
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/reproduction/semen/new", .reproductionWrite) { request, context in
            form(request, context, fields: FormFields(values: ["collected_on": Day.today]), error: nil)
        }
        routes.post("/reproduction/semen", .reproductionWrite) { request, context in
            let fields = try await FormFields.decode(request, context: context)
            do {
                let collection = try await store.create(
                    .init(
                        sireId: try fields.id("sire_id"), collectedOn: fields["collected_on"],
                        volumeMl: try fields.number("volume_ml"), concentration: try fields.number("concentration"),
                        totalMotility: try fields.int("total_motility"),
                        progressiveMotility: try fields.int("progressive_motility"),
                        normalMorphology: try fields.int("normal_morphology"),
                        postThawMotility: try fields.int("post_thaw_motility"), technician: fields["technician"],
                        notes: fields["notes"]), context: context.eventContext)
                return Flash(kind: .success, message: "Collection #\(collection.id ?? 0) saved.")
                    .redirect(to: "/reproduction/semen/\(collection.id ?? 0)")
            } catch let error as APIError where error.status.code < 500 {
                return form(request, context, fields: fields, error: error)
            }
        }
        routes.get("/reproduction/semen/{id}", .reproductionRead) { request, context in
            try await detail(request, context)
        }
        routes.post("/reproduction/semen/{id}/process", .reproductionWrite) { request, context in
            let id = try context.id()
            let fields = try await FormFields.decode(request, context: context)
            return try await Flash.after(redirectTo: "/reproduction/semen/\(id)") {
                let straws = try await store.process(
                    id: id,
                    .init(
                        straws: try fields.int("straws"), dosesPerStraw: try fields.number("doses_per_straw"),
                        strawSize: fields["straw_size"], extender: fields["extender"],
                        containerId: try fields.id("container_id")), context: context.eventContext)
                return "\(straws.count) straws filled and stored."
            }
        }
    }

    private func form(_ request: Request, _ context: AppRequestContext, fields: FormFields, error: APIError?)
        -> Response
    {
        var form = fields.values
        form["technician"] = form["technician"] ?? context.principal?.displayName ?? ""
        return pages.page(
            "semen-new", title: "New semen collection", section: "reproduction", request: request, context: context,
            values: ["form": form, "error": error?.message as Any], status: error?.httpStatus ?? .ok)
    }

    private func detail(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        guard let (collection, straws) = try await store.collection(id: id) else {
            throw APIError.notFound("No semen collection has id \(id).")
        }
        let (sire, addresses, containers) = try await store.database.read { db in
            (
                try Animal.fetchOne(db, key: collection.sireId),
                try straws.map { straw in
                    try straw.containerId.map { try StorageStore.address(db, container: $0, position: straw.position) }
                        ?? straw.status.label
                },
                try StorageStore.containerChoices(db)
            )
        }
        func percent(_ value: Int?) -> String { value.map { "\($0) %" } ?? "—" }
        return pages.page(
            "semen", title: "Semen collection #\(id)", section: "reproduction", request: request, context: context,
            values: [
                "id": id, "sire": sire?.name ?? "?", "sire_id": collection.sireId,
                "facts": [
                    ("Sire", sire?.name ?? "?"), ("Collected", collection.collectedOn),
                    ("Technician", collection.technician), ("Volume", collection.volumeMl.map { "\($0) mL" } ?? "—"),
                    ("Concentration", collection.concentration.map { "\($0) ×10⁶/mL" } ?? "—"),
                    ("Total sperm", collection.totalSperm.map { "\(Int($0)) ×10⁶" } ?? "—"),
                    ("Total motility", percent(collection.totalMotility)),
                    ("Progressive motility", percent(collection.progressiveMotility)),
                    ("Normal morphology", percent(collection.normalMorphology)),
                    ("Post-thaw motility", percent(collection.postThawMotility)),
                    (
                        "Processing",
                        collection.straws == 0
                            ? "not processed"
                            : "\(collection.straws) × \(collection.strawSize) mL straws, "
                                + "\(collection.dosesPerStraw?.formatted() ?? "?") ×10⁶ each, \(collection.extender)"
                    ),
                ].map { ["label": $0.0, "value": $0.1] },
                "below_threshold": store.belowThreshold(collection, species: sire?.species ?? ""),
                "threshold": store.minPostThawMotility,
                "straws": zip(straws, addresses).map { straw, address -> [String: Any] in
                    ["id": straw.id ?? 0, "label": straw.externalId, "where": address, "status": straw.status.rawValue]
                },
                "no_straws": straws.isEmpty,
                "can_process": context.principal?.can(.reproductionWrite) == true && collection.straws == 0,
                "containers": containers.map(\.values),
            ])
    }

    package init(store: SemenStore, pages: PageRenderer) {
        self.store = store
        self.pages = pages
    }
}
