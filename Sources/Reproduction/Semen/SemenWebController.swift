import Biobank
import Foundation
import Hummingbird
import LabBoxServer
import LabBoxValues

/// The semen pages: a collection's evaluation, and processing it into straws in the tank.
package struct SemenWebController {
    package let store: SemenStore
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/reproduction/semen/new", .reproductionWrite) { request, context in
            form(request, context, form: Form(collectedOn: Day.today), error: nil)
        }
        routes.post("/reproduction/semen", .reproductionWrite) { request, context in
            let form = try await request.decode(as: Form.self, context: context)
            do {
                let collection = try await store.create(try form.input(), context: context.eventContext)
                return Flash(kind: .success, message: "Collection #\(collection.id ?? 0) saved.")
                    .redirect(to: "/reproduction/semen/\(collection.id ?? 0)")
            } catch let error as APIError where error.status.code < 500 {
                return self.form(request, context, form: form, error: error)
            }
        }
        routes.get("/reproduction/semen/{id}", .reproductionRead) { request, context in
            try await detail(request, context)
        }
        routes.post("/reproduction/semen/{id}/process", .reproductionWrite) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: ProcessForm.self, context: context)
            return try await Flash.after(redirectTo: "/reproduction/semen/\(id)") {
                let straws = try await store.process(
                    id: id,
                    .init(
                        straws: try FormText.int(form.straws, field: "straws"),
                        dosesPerStraw: try FormText.number(form.dosesPerStraw, field: "doses_per_straw"),
                        strawSize: FormText.text(form.strawSize), extender: FormText.text(form.extender),
                        containerId: try FormText.id(form.containerId, field: "container_id")),
                    context: context.eventContext)
                return "\(straws.count) straws filled and stored."
            }
        }
    }

    /// A new collection and its evaluation, as posted; shown again with the error when it is refused.
    struct Form: Codable {
        var sireId: String?
        var collectedOn: String?
        var volumeMl: String?
        var concentration: String?
        var totalMotility: String?
        var progressiveMotility: String?
        var normalMorphology: String?
        var postThawMotility: String?
        var technician: String?
        var notes: String?

        enum CodingKeys: String, CodingKey {
            case concentration, technician, notes
            case sireId = "sire_id"
            case collectedOn = "collected_on"
            case volumeMl = "volume_ml"
            case totalMotility = "total_motility"
            case progressiveMotility = "progressive_motility"
            case normalMorphology = "normal_morphology"
            case postThawMotility = "post_thaw_motility"
        }

        init(collectedOn: String) {
            self.collectedOn = collectedOn
        }

        func input() throws -> SemenStore.Input {
            .init(
                sireId: try FormText.id(sireId, field: "sire_id"), collectedOn: FormText.text(collectedOn),
                volumeMl: try FormText.number(volumeMl, field: "volume_ml"),
                concentration: try FormText.number(concentration, field: "concentration"),
                totalMotility: try FormText.int(totalMotility, field: "total_motility"),
                progressiveMotility: try FormText.int(progressiveMotility, field: "progressive_motility"),
                normalMorphology: try FormText.int(normalMorphology, field: "normal_morphology"),
                postThawMotility: try FormText.int(postThawMotility, field: "post_thaw_motility"),
                technician: FormText.text(technician), notes: FormText.text(notes))
        }
    }

    /// Filling a collection into straws.
    struct ProcessForm: Decodable {
        var straws: String?
        var dosesPerStraw: String?
        var strawSize: String?
        var extender: String?
        var containerId: String?

        enum CodingKeys: String, CodingKey {
            case straws, extender
            case dosesPerStraw = "doses_per_straw"
            case strawSize = "straw_size"
            case containerId = "container_id"
        }
    }

    private func form(_ request: Request, _ context: AppRequestContext, form: Form, error: APIError?) -> Response {
        var shown = form
        shown.technician = form.technician ?? context.principal?.displayName ?? ""
        return pages.page(
            "reproduction/semen-new", title: "New semen collection", section: "reproduction", request: request,
            context: context,
            model: SemenFormPage(form: shown, error: error?.message), status: error?.httpStatus ?? .ok)
    }

    /// `semen-new.mustache`.
    struct SemenFormPage: Encodable {
        let form: Form
        let error: String?
    }

    private func detail(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        guard let (collection, straws) = try await store.collection(id: id) else {
            throw APIError.notFound("No semen collection has id \(id).")
        }
        let (sire, addresses, containers) = try await store.database.read { db in
            (
                try SemenStore.sire(db, of: collection),
                try straws.map { straw in
                    try straw.containerId.map { try StorageStore.address(db, container: $0, position: straw.position) }
                        ?? straw.status.label
                },
                try StorageStore.containerChoices(db)
            )
        }
        func percent(_ value: Int?) -> String { value.map { "\($0) %" } ?? "—" }
        return pages.page(
            "reproduction/semen", title: "Semen collection #\(id)", section: "reproduction", request: request,
            context: context,
            model: SemenCollectionPage(
                id: id, sire: sire?.name ?? "?", sireId: collection.sireId,
                facts: [
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
                ].map { ReproductionFact(label: $0.0, value: $0.1) },
                belowThreshold: store.belowThreshold(collection, species: sire?.species ?? ""),
                threshold: store.minPostThawMotility,
                straws: zip(straws, addresses).map { straw, address in
                    SemenCollectionPage.Straw(
                        id: straw.id ?? 0, label: straw.externalId, where: address, status: straw.status.rawValue)
                },
                noStraws: straws.isEmpty,
                canProcess: context.principal?.can(.reproductionWrite) == true && collection.straws == 0,
                containers: containers.map(StrawContainerOption.init)))
    }

    /// `semen.mustache`.
    struct SemenCollectionPage: Encodable {
        struct Straw: Encodable {
            let id: Int64
            let label: String
            /// Its storage address, or its status when it is not stored.
            let `where`: String
            let status: String
        }
        let id: Int64
        let sire: String
        let sireId: Int64
        let facts: [ReproductionFact]
        let belowThreshold: Bool
        let threshold: Int
        let straws: [Straw]
        let noStraws: Bool
        let canProcess: Bool
        let containers: [StrawContainerOption]
    }

    package init(store: SemenStore, pages: PageRenderer) {
        self.store = store
        self.pages = pages
    }
}
