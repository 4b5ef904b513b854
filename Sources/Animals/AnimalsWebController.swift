import Attachments
import Collaboration
import CustomFields
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The animal pages: list, new, detail with Pedigree and History, edit, delete and restore.
package struct AnimalsWebController {
    package let store: AnimalStore
    /// The records linked to an animal: samples, embryos, transfers, results. Their features depend
    /// on Animals, not the reverse, so the composition root passes their ``RecordLinks``.
    package let links: [RecordLinks]
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/animals", .animalsRead) { request, context in try await list(request, context) }
        routes.get("/animals/import", .animalsWrite) { request, context in
            pages.page(
                "import", title: "Import animals", section: "animals", request: request, context: context,
                model: ImportPage(noun: "animals", api: "/api/v1/animals"))
        }
        routes.get("/animals/new", .animalsWrite) { request, context in
            try await newPage(request, context, form: Form(), error: nil)
        }
        routes.post("/animals", .animalsWrite) { request, context in
            let form = try await request.decode(as: Form.self, context: context)
            do {
                let detail = try await store.create(try form.input(), context: context.eventContext)
                return Flash(kind: .success, message: "\(detail.animal.label) was added.")
                    .redirect(to: "/animals/\(detail.animal.id ?? 0)")
            } catch let error as APIError where error.status.code < 500 {
                return try await newPage(request, context, form: form, error: error)
            }
        }
        routes.get("/animals/{id}", .animalsRead) { request, context in
            try await detail(request, context, form: nil, error: nil)
        }
        routes.post("/animals/{id}", .animalsWrite) { request, context in
            let form = try await request.decode(as: Form.self, context: context)
            let id = try context.id()
            do {
                let detail = try await store.update(id: id, try form.input(), context: context.eventContext)
                return Flash(kind: .success, message: "\(detail.animal.label) was saved.").redirect(
                    to: "/animals/\(id)")
            } catch let error as APIError where error.status.code < 500 && error.status != .notFound {
                return try await detail(request, context, form: form, error: error)
            }
        }
        SoftDeleteRoutes<Animal>(database: store.database).addPages(to: routes, path: "/animals", write: .animalsWrite)
        routes.post("/animals/bulk", .animalsWrite) { request, context in
            let bulk = try await request.decode(as: BulkSelection<Form>.self, context: context)
            do {
                guard !bulk.ids.isEmpty else {
                    throw APIError.validationFailed("Select one or more animals.", field: "ids")
                }
                let input = try bulk.fields.input()
                let outcome = try await store.changeAll(
                    ids: bulk.ids,
                    AnimalStore.Input(ownerId: input.ownerId, status: input.status, reason: input.reason),
                    context: context.eventContext)
                guard outcome.applied else {
                    throw APIError.validationFailed("Nothing was changed: " + outcome.failureSummary, field: "ids")
                }
                return Flash(kind: .success, message: "\(outcome.results.count) animals were changed.")
                    .redirect(to: "/animals")
            } catch let error as APIError where error.status.code < 500 {
                return try await list(request, context, error: error)
            }
        }
    }

    /// Every field as the browser sends it: text, empty meaning "not given".
    package struct Form: Decodable {
        package var species: String?
        package var name: String?
        package var sex: String?
        package var breed: String?
        package var birthDate: String?
        package var notes: String?
        package var ownerId: String?
        package var status: String?
        package var sireId: String?
        package var damId: String?
        // The identifiers of each kind, separated by semicolons.
        package var registration: String?
        package var microchip: String?
        package var earTag: String?
        package var customFields: [String: String]?
        package var reason: String?

        package enum CodingKeys: String, CodingKey {
            case species, name, sex, breed, notes, status, registration, microchip, reason
            case customFields = "custom_fields"
            case birthDate = "birth_date"
            case ownerId = "owner_id"
            case sireId = "sire_id"
            case damId = "dam_id"
            case earTag = "ear_tag"
        }

        package init() {}

        package init(_ detail: AnimalStore.Detail) {
            let animal = detail.animal
            species = animal.species
            name = animal.name
            sex = animal.sex.rawValue
            breed = animal.breed
            birthDate = animal.birthDate ?? ""
            notes = animal.notes
            ownerId = animal.ownerId.map(String.init) ?? ""
            status = animal.status.rawValue
            sireId = animal.sireId.map(String.init) ?? ""
            damId = animal.damId.map(String.init) ?? ""
            func joined(_ kind: AnimalIdentifier.Kind) -> String {
                detail.identifiers.filter { $0.type == kind }.map(\.value).joined(separator: "; ")
            }
            registration = joined(.registration)
            microchip = joined(.microchip)
            earTag = joined(.earTag)
        }

        /// The field of an identifier kind.
        private func field(_ kind: AnimalIdentifier.Kind) -> String? {
            switch kind {
            case .registration: registration
            case .microchip: microchip
            case .earTag: earTag
            }
        }

        package func input() throws -> AnimalStore.Input {
            let identifiers = AnimalIdentifier.Kind.allCases.flatMap { kind in
                (field(kind) ?? "").split(separator: ";").map {
                    AnimalStore.Identifier(type: kind, value: $0.trimmingCharacters(in: .whitespaces))
                }.filter { !$0.value.isEmpty }
            }
            return AnimalStore.Input(
                species: FormText.text(species), name: name, sex: FormText.text(sex), breed: breed,
                birthDate: birthDate, notes: notes, ownerId: try FormText.id(ownerId, field: "owner_id"),
                status: FormText.text(status), sireId: try FormText.id(sireId, field: "sire_id"),
                damId: try FormText.id(damId, field: "dam_id"), identifiers: identifiers,
                customFields: CustomFieldInput.typed(customFields), reason: FormText.text(reason))
        }
    }

    private static let filters = ["q", "species", "sex", "status", "owner_id", "include_deleted", "sort"]

    private func list(_ request: Request, _ context: AppRequestContext, error: APIError? = nil) async throws
        -> Response
    {
        let query = ListQuery(request)
        let filter = try AnimalStore.Filter(query, species: store.species, principal: context.principal)
        let order = try query.order(AnimalStore.sortable)
        let page = try await store.list(filter, order: order, after: try query.cursor(), limit: 50)
        let rows = page.items.map(AnimalsPage.Row.init)
        return pages.page(
            "animals/animals", title: "Animals", section: "animals", request: request, context: context,
            model: AnimalsPage(
                animals: rows, empty: rows.isEmpty, q: filter.text ?? "",
                species: Choice.list(store.species, selected: filter.species),
                sexes: Choice.list(Animal.Sex.allCases.map(\.rawValue), selected: filter.sex?.rawValue),
                statuses: Choice.list(Animal.Status.allCases.map(\.rawValue), selected: filter.status?.rawValue),
                next: query.nextPage(keeping: Self.filters, after: page.next),
                sorts: sortOptions(["name": "name", "birth_date": "birth date"], current: order),
                firstPage: query.firstPage("/animals", keeping: Self.filters),
                exportQuery: query.filters(Self.filters), canWrite: context.principal?.can(.animalsWrite) == true,
                error: error?.message),
            status: error?.httpStatus ?? .ok)
    }

    private func newPage(_ request: Request, _ context: AppRequestContext, form: Form, error: APIError?) async throws
        -> Response
    {
        let custom = try await store.database.read { db in
            try CustomFieldForm.load(db, .animal, id: nil, species: nil, typed: form.customFields)
        }
        return pages.page(
            "animals/animal-new", title: "New animal", section: "animals", request: request, context: context,
            model: AnimalFormPage(
                form: AnimalFields(form, species: store.species, custom: custom), error: error?.message),
            status: error?.httpStatus ?? .ok)
    }

    private func detail(_ request: Request, _ context: AppRequestContext, form: Form?, error: APIError?) async throws
        -> Response
    {
        let id = try context.id()
        guard let detail = try await store.detail(id: id),
            let pedigree = try await store.pedigree(id: id, generations: 3),
            let history = try await store.database.history(Animal.self, id: id)
        else { throw APIError.notFound("No animal has id \(id).") }
        let animal = detail.animal
        let tab = ListQuery(request)["tab"]
        let (custom, customFacts) = try await store.database.read { db in
            (
                try CustomFieldForm.load(db, .animal, id: id, species: animal.species, typed: form?.customFields),
                try CustomFieldForm.facts(db, .animal, id: id)
            )
        }
        let facts =
            [
                ("Species", animal.species), ("Sex", animal.sex.rawValue), ("Breed", animal.breed),
                ("Born", animal.birthDate ?? ""), ("Status", animal.status.rawValue),
                ("Owner", animal.ownerId.map { "customer \($0)" } ?? ""),
            ].map { AnimalDetailPage.Fact(label: $0.0, value: $0.1.isEmpty ? "—" : $0.1) }
            + detail.identifiers.map {
                AnimalDetailPage.Fact(label: $0.type.rawValue.replacingOccurrences(of: "_", with: " "), value: $0.value)
            } + customFacts.map { AnimalDetailPage.Fact(label: $0.label, value: $0.value) }
        let model = AnimalDetailPage(
            animal: .init(
                id: id, deleted: animal.deletedAt != nil, deletedAt: pages.time.text(animal.deletedAt, absent: "")),
            facts: facts, ownerId: animal.ownerId, pedigree: AnimalDetailPage.Node(pedigree.root),
            offspring: pedigree.offspring.map { .init(id: $0.id, name: $0.name.isEmpty ? "#\($0.id)" : $0.name) },
            form: AnimalFields(form ?? Form(detail), species: store.species, custom: custom),
            history: history.map { History.Row($0, time: pages.time) }, historyCount: history.count,
            hasHistory: !history.isEmpty,
            tabDetails: tab != "pedigree" && tab != "history", tabPedigree: tab == "pedigree",
            tabHistory: tab == "history",
            canWrite: context.principal?.can(.animalsWrite) == true && animal.deletedAt == nil,
            canRestore: context.principal?.can(.admin) == true && animal.deletedAt != nil,
            linked: try await RecordLinks.panels(
                links, id: id, database: store.database, principal: context.principal, time: pages.time),
            attachments: try await AttachmentPanel.load(
                Animal.attachable, id: id, database: store.database, principal: context.principal, time: pages.time),
            activity: try await RecordActivity.load(
                Animal.attachable, id: id, database: store.database, principal: context.principal, time: pages.time),
            error: error?.message)
        return pages.page(
            "animals/animal", title: animal.label, section: "animals", request: request, context: context, model: model,
            status: error?.httpStatus ?? .ok)
    }

    package init(store: AnimalStore, links: [RecordLinks], pages: PageRenderer) {
        self.store = store
        self.links = links
        self.pages = pages
    }
}

extension Animal {
    /// How pages name an animal: its name, else its number.
    package var label: String { name.isEmpty ? "Animal #\(id ?? 0)" : name }
}
