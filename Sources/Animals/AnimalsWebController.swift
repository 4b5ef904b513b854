import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The animal pages: list, new, detail with Pedigree and History, edit, delete and restore.
package struct AnimalsWebController {
    package let store: AnimalStore
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/animals", .animalsRead) { request, context in try await list(request, context) }
        routes.get("/animals/import", .animalsWrite) { request, context in
            pages.page(
                "import", title: "Import animals", section: "animals", request: request, context: context,
                values: ["noun": "animals", "api": "/api/v1/animals"])
        }
        routes.get("/animals/new", .animalsWrite) { request, context in
            newPage(request, context, form: Form(), error: nil)
        }
        routes.post("/animals", .animalsWrite) { request, context in
            let form = try await request.decode(as: Form.self, context: context)
            do {
                let detail = try await store.create(try form.input(), context: context.eventContext)
                return Flash(kind: .success, message: "\(detail.animal.label) was added.")
                    .redirect(to: "/animals/\(detail.animal.id ?? 0)")
            } catch let error as APIError where error.status.code < 500 {
                return newPage(request, context, form: form, error: error)
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
        package var values: [String: String] = [:]

        package static let names = [
            "species", "name", "sex", "breed", "birth_date", "notes", "owner_id", "status", "sire_id", "dam_id",
            "registration", "microchip", "ear_tag", "reason",
        ]

        package init() {}

        package init(_ detail: AnimalStore.Detail) {
            let animal = detail.animal
            values = [
                "species": animal.species, "name": animal.name, "sex": animal.sex.rawValue, "breed": animal.breed,
                "birth_date": animal.birthDate ?? "", "notes": animal.notes,
                "owner_id": animal.ownerId.map(String.init) ?? "", "status": animal.status.rawValue,
                "sire_id": animal.sireId.map(String.init) ?? "", "dam_id": animal.damId.map(String.init) ?? "",
            ]
            for kind in AnimalIdentifier.Kind.allCases {
                values[kind.rawValue] = detail.identifiers.filter { $0.type == kind }.map(\.value).joined(
                    separator: "; ")
            }
        }

        package init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            for name in Self.names {
                values[name] = try container.decodeIfPresent(String.self, forKey: AnyKey(stringValue: name))
            }
        }

        package var reason: String? { values["reason"].flatMap { $0.isEmpty ? nil : $0 } }

        package func input() throws -> AnimalStore.Input {
            func text(_ name: String) -> String? { values[name].flatMap { $0.isEmpty ? nil : $0 } }
            func number(_ name: String) throws -> Int64? {
                guard let text = text(name) else { return nil }
                guard let value = Int64(text) else {
                    throw APIError.validationFailed("Enter an id number.", field: name)
                }
                return value
            }
            let identifiers = AnimalIdentifier.Kind.allCases.flatMap { kind in
                (values[kind.rawValue] ?? "").split(separator: ";").map {
                    AnimalStore.Identifier(type: kind, value: $0.trimmingCharacters(in: .whitespaces))
                }.filter { !$0.value.isEmpty }
            }
            return AnimalStore.Input(
                species: text("species"), name: values["name"], sex: text("sex"), breed: values["breed"],
                birthDate: values["birth_date"], notes: values["notes"], ownerId: try number("owner_id"),
                status: text("status"), sireId: try number("sire_id"), damId: try number("dam_id"),
                identifiers: identifiers, reason: reason)
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static let filters = ["q", "species", "sex", "status", "owner_id", "include_deleted", "sort"]

    private func list(_ request: Request, _ context: AppRequestContext, error: APIError? = nil) async throws
        -> Response
    {
        let query = ListQuery(request)
        let filter = try AnimalStore.Filter(query, species: store.species, principal: context.principal)
        let order = try query.order(AnimalStore.sortable)
        let page = try await store.list(filter, order: order, after: try query.cursor(), limit: 50)
        let rows = page.items.map { animal -> [String: Any] in
            [
                "id": animal.id ?? 0, "label": animal.label, "species": animal.species, "sex": animal.sex.rawValue,
                "breed": animal.breed, "birth_date": animal.birthDate ?? "", "status": animal.status.rawValue,
                "deleted": animal.deletedAt != nil,
            ]
        }
        return pages.page(
            "animals", title: "Animals", section: "animals", request: request, context: context,
            values: [
                "animals": rows, "empty": rows.isEmpty, "q": filter.text ?? "",
                "species": options(store.species, selected: filter.species),
                "sexes": options(Animal.Sex.allCases.map(\.rawValue), selected: filter.sex?.rawValue),
                "statuses": options(Animal.Status.allCases.map(\.rawValue), selected: filter.status?.rawValue),
                "next": query.nextPage(keeping: Self.filters, after: page.next) as Any,
                "sorts": sortOptions(["name": "name", "birth_date": "birth date"], current: order),
                "first_page": query.firstPage("/animals", keeping: Self.filters) as Any,
                "export_query": query.filters(Self.filters),
                "can_write": context.principal?.can(.animalsWrite) == true,
                "error": error?.message as Any,
            ], status: error?.httpStatus ?? .ok)
    }

    private func options(_ values: [String], selected: String?) -> [[String: Any]] {
        values.map { ["value": $0, "selected": $0 == selected] }
    }

    private func formValues(_ form: Form) -> [String: Any] {
        var values: [String: Any] = form.values
        values["species_options"] = options(store.species, selected: form.values["species"])
        values["sex_options"] = options(Animal.Sex.allCases.map(\.rawValue), selected: form.values["sex"] ?? "unknown")
        values["status_options"] = options(Animal.Status.allCases.map(\.rawValue), selected: form.values["status"])
        return values
    }

    private func newPage(_ request: Request, _ context: AppRequestContext, form: Form, error: APIError?) -> Response {
        pages.page(
            "animal-new", title: "New animal", section: "animals", request: request, context: context,
            values: ["form": formValues(form), "error": error?.message as Any], status: error?.httpStatus ?? .ok)
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
        let tab = ListQuery(request)["tab"] ?? "details"
        var values = History.pageValues(history)
        values["form"] = formValues(form ?? Form(detail))
        values["animal"] = [
            "id": id, "deleted": animal.deletedAt != nil, "deleted_at": animal.deletedAt?.formatted(.iso8601) ?? "",
        ]
        values["facts"] =
            [
                ("Species", animal.species), ("Sex", animal.sex.rawValue), ("Breed", animal.breed),
                ("Born", animal.birthDate ?? ""), ("Status", animal.status.rawValue),
                ("Owner", animal.ownerId.map { "customer \($0)" } ?? ""),
            ].map { ["label": $0.0, "value": $0.1.isEmpty ? "—" : $0.1] }
            + detail.identifiers.map {
                ["label": $0.type.rawValue.replacingOccurrences(of: "_", with: " "), "value": $0.value]
            }
        values["owner_id"] = animal.ownerId as Any
        values["pedigree"] = node(pedigree.root)
        values["offspring"] = pedigree.offspring.map { ["id": $0.id, "name": $0.name.isEmpty ? "#\($0.id)" : $0.name] }
        values["tab_\(["pedigree", "history"].contains(tab) ? tab : "details")"] = true
        values["can_write"] = context.principal?.can(.animalsWrite) == true && animal.deletedAt == nil
        values["can_restore"] = context.principal?.can(.admin) == true && animal.deletedAt != nil
        values["error"] = error?.message as Any
        return pages.page(
            "animal", title: animal.label, section: "animals", request: request, context: context, values: values,
            status: error?.httpStatus ?? .ok)
    }

    /// A pedigree node for the recursive `pedigree-node` partial. Every node sets `unknown` and
    /// `has_parents`, or Mustache would find the enclosing node's values and recurse for ever.
    private func node(_ node: Pedigree.Node) -> [String: Any] {
        var values: [String: Any] = [
            "id": node.id, "name": node.name.isEmpty ? "#\(node.id)" : node.name, "sex": node.sex.rawValue,
            "breed": node.breed, "unknown": false, "has_parents": node.sire != nil || node.dam != nil,
        ]
        if node.sire != nil || node.dam != nil {
            values["parents"] = [
                node.sire.map(self.node) ?? ["unknown": true, "has_parents": false, "role": "sire"],
                node.dam.map(self.node) ?? ["unknown": true, "has_parents": false, "role": "dam"],
            ]
        }
        return values
    }

    package init(store: AnimalStore, pages: PageRenderer) {
        self.store = store
        self.pages = pages
    }
}

extension Animal {
    /// How pages name an animal: its name, else its number.
    package var label: String { name.isEmpty ? "Animal #\(id ?? 0)" : name }
}
