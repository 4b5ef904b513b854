import CustomFields
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/api/v1/samples`: the contract's routes plus changes, history and signatures.
package struct SamplesAPIController {
    package let store: SampleStore
    package let identity: Identity
    /// The lab's calendar, whose days the collection-date filter names.
    package let time: LabTime

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/samples", .samplesRead, .listSamples) { request, _ in try await list(request) }
        routes.post("/api/v1/samples", .samplesWrite, .recordSample) { request, context in
            let input = try await request.decode(as: SampleStore.Input.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await store.create(input, context: context.eventContext))
        }
        routes.get("/api/v1/samples/lookup", .samplesRead, .findSamples) { request, _ in
            let query = ListQuery(request)
            let available = try query.choice("available", in: ["true", "false"]) == "true"
            let kind = query["kind"]
            guard (kind?.count ?? 0) <= 50 else {
                throw APIError.invalid("kind is at most 50 characters.", field: "kind")
            }
            guard let words = try Lookup.words(query) else { return ItemList<Lookup.Match>(items: []) }
            return try await store.lookup(words, kind: kind, available: available)
        }
        routes.get("/api/v1/samples/{id}", .samplesRead, .oneSample) { _, context in try await sample(context) }
        routes.post("/api/v1/samples/bulk", .samplesWrite, .changeManySamples) { request, context in
            let body = try await request.decode(as: BulkRequest.self, context: context)
            guard (1...1000).contains(body.ids.count) else {
                throw APIError.invalid("Give 1 to 1000 ids.", field: "ids")
            }
            let witness = try await body.change.witness?.witness(identity: identity, context: context)
            return try await store.changeAll(
                ids: body.ids, body.change.input, reason: body.change.reason, witness: witness,
                context: context.eventContext
            ).response
        }
        routes.patch("/api/v1/samples/{id}", .samplesWrite, .changeSample) { request, context in
            try await update(request, context)
        }
        routes.get("/api/v1/samples/{id}/history", .samplesRead, .sampleHistory) { _, context in
            guard let record = try await store.record(id: try context.id()) else { throw notFound }
            return ItemList(items: record.history)
        }
        routes.get("/api/v1/samples/{id}/signatures", .samplesRead, .sampleSignatureManifest) { _, context in
            guard let record = try await store.record(id: try context.id()) else { throw notFound }
            return ItemList(items: record.signatures)
        }
        routes.get("/api/v1/samples/{id}/lineage", .samplesRead, .sampleLineage) { _, context in
            guard let record = try await store.record(id: try context.id()) else { throw notFound }
            return record.lineage
        }
        routes.post("/api/v1/samples/{id}/signatures", .samplesWrite, .signSample) { request, context in
            let body = try await request.decode(as: SignatureRequest.self, context: context)
            let signer = try await body.signer(identity: identity, context: context)
            let signature = try await store.sign(
                id: try context.id(), as: signer, meaning: body.meaning, reason: body.reason,
                context: context.eventContext)
            return EditedResponse(
                status: .created,
                response: ItemList<Signature.Manifest>(items: [.init(signature: signature, current: true)]))
        }
    }

    private var notFound: APIError { .notFound("No such sample.") }

    /// A change: any writable field, the reason (required for samples), and for discarding the
    /// witness's credentials.
    package struct UpdateRequest: Decodable {
        package let input: SampleStore.Input
        package let reason: String?
        package let witness: WitnessRequest?

        package enum CodingKeys: String, CodingKey { case reason, witness }

        package init(from decoder: Decoder) throws {
            input = try SampleStore.Input(from: decoder)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            reason = try container.decodeIfPresent(String.self, forKey: .reason)
            witness = try container.decodeIfPresent(WitnessRequest.self, forKey: .witness)
        }
    }

    /// `{"ids": […], "status": …, "reason": …, "witness": {…}}`: one change for many samples.
    package struct BulkRequest: Decodable {
        package let ids: [Int64]
        package let change: UpdateRequest

        package enum CodingKeys: String, CodingKey { case ids }

        package init(from decoder: Decoder) throws {
            ids = try decoder.container(keyedBy: CodingKeys.self).decode([Int64].self, forKey: .ids)
            change = try UpdateRequest(from: decoder)
        }
    }

    private func sample(_ context: AppRequestContext) async throws -> SampleDetail {
        guard let detail = try await store.detail(id: try context.id()) else { throw notFound }
        return detail
    }

    /// The sample as stored, with its custom fields.
    private func detail(_ sample: Sample) async throws -> SampleDetail {
        SampleDetail(sample: sample, customFields: try await store.customFields(of: [sample])[sample.id ?? 0] ?? [:])
    }

    private func list(_ request: Request) async throws -> SamplePage {
        let query = ListQuery(request)
        let filter = try SampleStore.Filter(query, species: store.species, kinds: store.kinds, days: time)
        let limit = try query.limit()
        let page = try await store.list(
            filter, order: try query.order(SampleStore.sortable), after: try query.cursor(), limit: limit)
        return SamplePage(
            items: page.items, customFields: try await store.customFields(of: page.items), next: page.next)
    }

    private func update(_ request: Request, _ context: AppRequestContext) async throws -> SampleDetail {
        let id = try context.id()
        let change = try await request.decode(as: UpdateRequest.self, context: context)
        let witness = try await change.witness?.witness(identity: identity, context: context)
        return try await detail(
            try await store.update(
                id: id, change.input, reason: change.reason, witness: witness, context: context.eventContext))
    }

    package init(store: SampleStore, identity: Identity, time: LabTime) {
        self.store = store
        self.identity = identity
        self.time = time
    }
}
