import CustomFields
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/api/v1/animals`, with identifiers, soft delete and the pedigree.
package struct AnimalsAPIController {
    package let store: AnimalStore
    package let jobs: JobQueue

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/animals", .animalsRead, .listAnimals) { request, context in try await list(request, context)
        }
        routes.post("/api/v1/animals", .animalsWrite, .addAnimal) { request, context in
            let input = try await request.decode(as: AnimalStore.Input.self, context: context)
            return EditedResponse(
                status: .created, response: try await store.create(input, context: context.eventContext))
        }
        routes.get("/api/v1/animals/{id}", .animalsRead, .oneAnimal) { _, context in
            guard let detail = try await store.detail(id: try context.id()) else { throw notFound }
            return detail
        }
        routes.patch("/api/v1/animals/{id}", .animalsWrite, .changeAnimal) { request, context in
            let input = try await request.decode(as: AnimalStore.Input.self, context: context)
            return try await store.update(id: try context.id(), input, context: context.eventContext)
        }
        SoftDeleteRoutes<Animal>(database: store.database).addAPI(
            to: routes, path: "/api/v1/animals", read: .animalsRead, write: .animalsWrite,
            operations: .standard(noun: "animal", record: .animal))
        routes.post("/api/v1/animals/bulk", .animalsWrite, .changeManyAnimals) { request, context in
            let body = try await request.decode(as: BulkRequest.self, context: context)
            guard (1...1000).contains(body.ids.count) else {
                throw APIError.invalid("Give 1 to 1000 ids.", field: "ids")
            }
            return try await store.changeAll(ids: body.ids, body.input, context: context.eventContext).response
        }
        routes.get("/api/v1/animals/lookup", .animalsRead, .findAnimals) { request, _ in
            let query = ListQuery(request)
            let sex = try query.choice("sex", in: Animal.Sex.allCases.map(\.rawValue)).flatMap(Animal.Sex.init)
            guard let words = try Lookup.words(query) else { return ItemList<Lookup.Match>(items: []) }
            return try await store.lookup(words, sex: sex)
        }
        let csv = AnimalCSV(store: store)
        csv.export.addRoutes(
            to: routes, api: "/api/v1/animals", page: "/animals", jobs: jobs,
            operations: (.exportAnimalsAsCSV, .exportAnimalsInBackground))
        csv.importer.addRoutes(
            to: routes, path: "/api/v1/animals", permission: .animalsWrite,
            operations: .init(
                template: .csvImportTemplateForAnimals, check: .checkCSVImportOfAnimalsDryRun,
                import: .importAnimalsFromCSV, job: .importAnimalsFromCSVInBackground),
            template: AnimalCSV.template, database: store.database, jobs: jobs)
        routes.get("/api/v1/animals/{id}/pedigree", .animalsRead, .animalPedigree) { request, context in
            let generations = try AnimalStore.generations(ListQuery(request))
            guard let pedigree = try await store.pedigree(id: try context.id(), generations: generations) else {
                throw notFound
            }
            return pedigree
        }
    }

    /// `{"ids": […], "owner_id": …, "reason": …}`: one change (e.g. a new owner) for many animals.
    package struct BulkRequest: Decodable {
        package let ids: [Int64]
        package let input: AnimalStore.Input

        package enum CodingKeys: String, CodingKey { case ids }

        package init(from decoder: Decoder) throws {
            ids = try decoder.container(keyedBy: CodingKeys.self).decode([Int64].self, forKey: .ids)
            input = try AnimalStore.Input(from: decoder)
        }
    }

    private var notFound: APIError { .notFound("No such animal.") }

    private func list(_ request: Request, _ context: AppRequestContext) async throws
        -> KeysetPage<WithCustomFields<Animal>>
    {
        let query = ListQuery(request)
        let filter = try AnimalStore.Filter(query, species: store.species, principal: context.principal)
        let page = try await store.list(
            filter, order: try query.order(AnimalStore.sortable), after: try query.cursor(), limit: try query.limit())
        let items = try await store.database.read { try WithCustomFields<Animal>.load($0, .animal, page.items) }
        return KeysetPage(items: items, next: page.next)
    }

    package init(store: AnimalStore, jobs: JobQueue) {
        self.store = store
        self.jobs = jobs
    }
}

extension AnimalStore.Filter {
    /// `species`, `sex`, `status`, `owner_id`, `q` (words of the name, breed, notes or identifiers),
    /// `cf.<key>` (a custom field's value) and, for admins, `include_deleted=true`.
    package init(_ query: ListQuery, species allowed: [String], principal: Principal?) throws {
        species = try query.configured("species", in: allowed)
        sex = try query.choice("sex", in: Animal.Sex.allCases.map(\.rawValue)).flatMap(Animal.Sex.init)
        status = try query.choice("status", in: Animal.Status.allCases.map(\.rawValue)).flatMap(Animal.Status.init)
        ownerID = try query.integer("owner_id")
        text = query["q"]
        customFields = try CustomFieldFilter(query)
        includeDeleted = query["include_deleted"] == "true" && principal?.can(.admin) == true
    }
}

extension AnimalStore {
    /// `generations`: 1 to 6, default 3.
    package static func generations(_ query: ListQuery) throws -> Int {
        guard let text = query["generations"] else { return 3 }
        guard let value = Int(text), (1...6).contains(value) else {
            throw APIError.invalid("generations must be 1 to 6.", field: "generations")
        }
        return value
    }

    package func pedigree(id: Int64, generations: Int) async throws -> Pedigree? {
        try await database.read { try Pedigree.load($0, id: id, generations: generations) }
    }
}
