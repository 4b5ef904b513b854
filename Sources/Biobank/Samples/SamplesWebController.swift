import Attachments
import Collaboration
import CustomFields
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The sample pages: list, new, detail with its History and Signatures tabs, edit and sign.
package struct SamplesWebController {
    package let store: SampleStore
    package let storage: StorageStore
    /// The records of features above Biobank that name a sample (the shipments a straw travelled
    /// on), handed in by the composition root (decision 0036).
    package let links: [RecordLinks]
    package let identity: Identity
    package let pages: PageRenderer
    package static let pageSize = 50

    package func addRoutes(to routes: RouteTable) {
        routes.get("/samples", .samplesRead) { request, context in try await list(request, context) }
        routes.get("/samples/new", .samplesWrite) { request, context in
            try await newPage(request, context, form: Form(), error: nil)
        }
        routes.post("/samples", .samplesWrite) { request, context in try await create(request, context) }
        routes.get("/samples/{id}", .samplesRead) { request, context in
            try await detail(request, context, form: nil, error: nil)
        }
        routes.post("/samples/{id}", .samplesWrite) { request, context in try await update(request, context) }
        routes.post("/samples/{id}/sign", .samplesWrite) { request, context in try await sign(request, context) }
        routes.post("/samples/bulk", .samplesWrite) { request, context in try await bulk(request, context) }
        routes.post("/samples/bulk-move", .storageWrite) { request, context in try await bulkMove(request, context) }
    }

    /// Every field arrives as text from the browser; empty means "not given".
    package struct Form: Decodable {
        package var externalId = ""
        package var species = ""
        package var kind = ""
        package var status = ""
        package var animalId = ""
        package var collectedAt = ""
        /// Nil when the form has no notes field (the bulk form), so notes are left as they are.
        package var notes: String?
        package var collectedBy = ""
        package var quantity = ""
        package var unit = ""
        package var doses = ""
        /// Barcodes of the samples this one was taken from, comma separated, and how.
        package var parentBarcodes = ""
        package var relation = ""
        package var reason = ""
        package var witnessEmail = ""
        package var witnessPassword = ""
        package var witnessCode = ""
        package var customFields: [String: String]?

        package init() {}

        package init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func text(_ key: CodingKeys) throws -> String {
                try container.decodeIfPresent(String.self, forKey: key) ?? ""
            }
            externalId = try text(.externalId)
            species = try text(.species)
            kind = try text(.kind)
            status = try text(.status)
            animalId = try text(.animalId)
            collectedAt = try text(.collectedAt)
            notes = try container.decodeIfPresent(String.self, forKey: .notes)
            collectedBy = try text(.collectedBy)
            quantity = try text(.quantity)
            unit = try text(.unit)
            doses = try text(.doses)
            reason = try text(.reason)
            witnessEmail = try text(.witnessEmail)
            witnessPassword = try text(.witnessPassword)
            witnessCode = try text(.witnessCode)
            parentBarcodes = try text(.parentBarcodes)
            relation = try text(.relation)
            customFields = try container.decodeIfPresent([String: String].self, forKey: .customFields)
        }

        package enum CodingKeys: String, CodingKey {
            case species, kind, status, notes, reason, quantity, unit, doses
            case collectedBy = "collected_by"
            case parentBarcodes = "parent_barcodes"
            case relation
            case externalId = "external_id"
            case animalId = "animal_id"
            case collectedAt = "collected_at"
            case witnessEmail = "witness_email"
            case witnessPassword = "witness_password"
            case witnessCode = "witness_code"
            case customFields = "custom_fields"
        }

        package init(_ sample: Sample, time: LabTime) {
            externalId = sample.externalId
            species = sample.species
            kind = sample.kind
            status = sample.status.rawValue
            animalId = sample.animalId.map(String.init) ?? ""
            collectedAt = time.fieldText(sample.collectedAt)
            notes = sample.notes
            collectedBy = sample.collectedBy
            quantity = sample.quantity.map { String($0) } ?? ""
            unit = sample.unit
            doses = sample.doses.map(String.init) ?? ""
        }

        /// The browser's datetime-local field has no zone: it means the lab's wall clock.
        package func input(time: LabTime) throws -> SampleStore.Input {
            func given(_ text: String) -> String? { text.isEmpty ? nil : text }
            var animal: Int64?
            if !animalId.isEmpty {
                guard let id = Int64(animalId) else {
                    throw APIError.validationFailed("Enter an animal id number.", field: "animal_id")
                }
                animal = id
            }
            var amount: Double?
            if !quantity.isEmpty {
                guard let value = Double(quantity.replacingOccurrences(of: ",", with: ".")) else {
                    throw APIError.validationFailed("Enter the quantity as a number.", field: "quantity")
                }
                amount = value
            }
            var doseCount: Int?
            if !doses.isEmpty {
                guard let value = Int(doses) else {
                    throw APIError.validationFailed("Enter a whole number.", field: "doses")
                }
                doseCount = value
            }
            // What is not a wall-clock time goes to the store as typed, which names the fault.
            let collected = given(collectedAt).map { text in
                time.date(fieldText: text).map { $0.formatted(.iso8601) } ?? text
            }
            return SampleStore.Input(
                externalId: given(externalId), species: given(species), kind: given(kind),
                status: given(status).flatMap(Sample.Status.init), animalId: animal, collectedAt: collected,
                notes: notes, collectedBy: given(collectedBy), quantity: amount, unit: given(unit), doses: doseCount,
                customFields: CustomFieldInput.typed(customFields))
        }
    }

    /// The witness who signed in the form, if any, proven by their password.
    private func witness(_ form: Form, _ context: AppRequestContext) async throws -> User? {
        guard !form.witnessEmail.isEmpty else { return nil }
        return try await WitnessRequest(
            email: form.witnessEmail, password: form.witnessPassword, code: form.witnessCode
        )
        .witness(identity: identity, context: context)
    }

    /// The selection goes into the first free positions of a container (a tank, canister, goblet
    /// or box), in list order.
    private func bulkMove(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        struct MoveForm: Decodable {
            var ids: [Int64]?
            var containerId: String?
            var reason: String?

            enum CodingKeys: String, CodingKey {
                case ids
                case containerId = "container_id"
                case reason = "move_reason"
            }
        }
        let form = try await request.decode(as: MoveForm.self, context: context)
        do {
            guard let ids = form.ids, !ids.isEmpty else {
                throw APIError.validationFailed("Select one or more samples.", field: "ids")
            }
            guard let container = form.containerId.flatMap({ Int64($0) }) else {
                throw APIError.validationFailed("Enter the id of the container to move them to.", field: "container_id")
            }
            let outcome = try await storage.placeAll(
                ids, in: container, reason: form.reason.flatMap { $0.isEmpty ? nil : $0 }, context: context.eventContext
            )
            guard outcome.applied else {
                throw APIError.validationFailed("Nothing was moved: " + outcome.failureSummary, field: "ids")
            }
            return Flash(kind: .success, message: "\(ids.count) samples were placed.").redirect(
                to: "/storage/\(container)")
        } catch let error as APIError where error.status.code < 500 {
            return try await list(request, context, error: error)
        }
    }

    private func bulk(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let bulk = try await request.decode(as: BulkSelection<Form>.self, context: context)
        do {
            guard !bulk.ids.isEmpty else {
                throw APIError.validationFailed("Select one or more samples.", field: "ids")
            }
            let form = bulk.fields
            let witness = try await witness(form, context)
            let outcome = try await store.changeAll(
                ids: bulk.ids, try form.input(time: pages.time), reason: form.reason, witness: witness,
                context: context.eventContext)
            guard outcome.applied else {
                throw APIError.validationFailed(
                    "Nothing was changed: \(outcome.failures.count) of \(bulk.ids.count) samples cannot be. "
                        + outcome.failureSummary, field: "ids")
            }
            return Flash(kind: .success, message: "\(outcome.results.count) samples were changed.").redirect(
                to: "/samples")
        } catch let error as APIError where error.status.code < 500 {
            return try await list(request, context, error: error)
        }
    }

    private func list(_ request: Request, _ context: AppRequestContext, error: APIError? = nil) async throws
        -> Response
    {
        let query = ListQuery(request)
        let filter = try SampleStore.Filter(query, species: store.species, kinds: store.kinds, days: pages.time)
        let order = try query.order(SampleStore.sortable)
        let page = try await store.list(filter, order: order, after: try query.cursor(), limit: Self.pageSize)
        let filters = SampleStore.Filter.parameters + ["sort"]
        return pages.page(
            "biobank/samples", title: "Samples", section: "samples", request: request, context: context,
            model: SamplesPage(
                samples: page.items.map { SamplesPage.Row($0, time: pages.time) }, empty: page.items.isEmpty,
                next: query.nextPage(keeping: filters, after: page.next),
                sorts: sortOptions(["collected_at": "collected", "external_id": "external id"], current: order),
                firstPage: query.firstPage("/samples", keeping: filters), exportQuery: query.filters(filters),
                species: Choice.list(store.species, selected: query["species"]),
                kinds: Choice.list(store.kinds, selected: query["kind"]),
                statuses: Choice.list(Sample.Status.allCases.map(\.rawValue), selected: query["status"]),
                q: query["q"] ?? "", animalId: query["animal_id"] ?? "", ownerId: query["owner_id"] ?? "",
                containerId: query["container_id"] ?? "", collectedFrom: query["collected_from"] ?? "",
                collectedTo: query["collected_to"] ?? "", canWrite: context.principal?.can(.samplesWrite) == true,
                bulkStatuses: Sample.Status.allCases.map { Choice(value: $0.rawValue, label: $0.label) },
                error: error?.message),
            status: error?.httpStatus ?? .ok)
    }

    private func newPage(_ request: Request, _ context: AppRequestContext, form: Form, error: APIError?) async throws
        -> Response
    {
        let custom = try await store.database.read { db in
            try CustomFieldForm.load(db, .sample, id: nil, species: nil, typed: form.customFields)
        }
        return pages.page(
            "biobank/sample-new", title: "New sample", section: "samples", request: request, context: context,
            model: SampleFormPage(
                form: SampleFormValues(form),
                units: SampleStore.units.map { Choice(value: $0, selected: $0 == form.unit) },
                relations: SampleStore.Parent.Relation.allCases.map {
                    Choice(value: $0.rawValue, selected: $0.rawValue == form.relation)
                },
                species: Choice.list(store.species, selected: form.species),
                kinds: Choice.list(store.kinds, selected: form.kind), custom: custom, error: error?.message),
            status: error?.httpStatus ?? .ok)
    }

    private func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: Form.self, context: context)
        do {
            var input = try form.input(time: pages.time)
            let barcodes = form.parentBarcodes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            if !barcodes.isEmpty {
                let relation = SampleStore.Parent.Relation(rawValue: form.relation) ?? .aliquot
                input.parents = try await store.ids(barcodes: barcodes).map { .init(sampleId: $0, relation: relation) }
            }
            let sample = try await store.create(input, context: context.eventContext).sample
            return Flash(kind: .success, message: "Sample \(sample.externalId) was recorded.")
                .redirect(to: "/samples/\(sample.id ?? 0)")
        } catch let error as APIError where error.status.code < 500 {
            return try await newPage(request, context, form: form, error: error)
        }
    }

    private func update(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        let form = try await request.decode(as: Form.self, context: context)
        do {
            let witness = try await witness(form, context)
            let sample = try await store.update(
                id: id, try form.input(time: pages.time), reason: form.reason, witness: witness,
                context: context.eventContext)
            return Flash(kind: .success, message: "Sample \(sample.externalId) was saved.").redirect(
                to: "/samples/\(id)")
        } catch let error as APIError where error.status.code < 500 && error.status != .notFound {
            return try await detail(request, context, form: form, error: error)
        }
    }

    private func sign(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        let form = try await request.decode(as: SignatureRequest.self, context: context)
        do {
            let signer = try await form.signer(identity: identity, context: context)
            let signature = try await store.sign(
                id: id, as: signer, meaning: form.meaning, reason: form.reason,
                context: context.eventContext)
            return Flash(kind: .success, message: "Signed by \(signature.signerName) as \(signature.meaning.rawValue).")
                .redirect(to: "/samples/\(id)?tab=signatures")
        } catch let error as APIError where error.status.code < 500 && error.status != .notFound {
            return try await detail(request, context, form: nil, error: error, tab: "signatures")
        }
    }

    private func detail(
        _ request: Request, _ context: AppRequestContext, form: Form?, error: APIError?, tab: String? = nil
    ) async throws -> Response {
        let id = try context.id()
        guard let record = try await store.record(id: id) else {
            throw APIError.notFound("No sample has id \(id).")
        }
        let (sample, history, manifest) = (record.sample, record.history, record.signatures)
        let (custom, customFacts) = try await store.database.read { db in
            (
                try CustomFieldForm.load(db, .sample, id: id, species: sample.species, typed: form?.customFields),
                try CustomFieldForm.facts(db, .sample, id: id)
            )
        }
        let tab = tab ?? ListQuery(request)["tab"] ?? "details"
        let canWrite = context.principal?.can(.samplesWrite) == true
        var needsCode = false
        if let userID = context.principal?.userID {
            needsCode = try await identity.users.user(id: userID)?.totpEnabled ?? false
        }
        return pages.page(
            "biobank/sample", title: "Sample \(sample.externalId)", section: "samples", request: request,
            context: context,
            model: SampleDetailPage(
                sample: SampleDetailPage.Details(sample, address: record.address, time: pages.time),
                form: SampleFormValues(form ?? Form(sample, time: pages.time)),
                customFacts: customFacts.map { SampleDetailPage.Fact(label: $0.label, value: $0.value) },
                custom: custom, error: error?.message,
                tabDetails: !["history", "signatures", "lineage"].contains(tab), tabHistory: tab == "history",
                tabSignatures: tab == "signatures", tabLineage: tab == "lineage",
                ancestors: record.lineage.ancestors.map(SampleDetailPage.LineageNode.init),
                descendants: record.lineage.descendants.map(SampleDetailPage.LineageNode.init),
                hasLineage: !record.lineage.ancestors.isEmpty || !record.lineage.descendants.isEmpty,
                nextStatuses: sample.status.next.map { Choice(value: $0.rawValue, label: $0.label) },
                history: history.map { History.Row($0, time: pages.time) }, historyCount: history.count,
                hasHistory: !history.isEmpty,
                signatures: manifest.map { signature in
                    SampleDetailPage.SignatureRow(
                        signer: signature.signer, meaning: signature.meaning.rawValue,
                        at: pages.time.text(signature.signedAt),
                        current: signature.matchesCurrentVersion, hash: String(signature.recordHash.prefix(16)))
                },
                signatureCount: manifest.count, hasSignatures: !manifest.isEmpty,
                meanings: Signature.Meaning.allCases.map { Choice(value: $0.rawValue) }, canWrite: canWrite,
                canSign: context.principal?.credential.isPerson == true && canWrite, needsCode: needsCode,
                attachments: try await AttachmentPanel.load(
                    Sample.attachable, id: id, database: store.database, principal: context.principal, time: pages.time),
                activity: try await RecordActivity.load(
                    Sample.attachable, id: id, database: store.database, principal: context.principal, time: pages.time),
                linked: try await RecordLinks.panels(
                    links, id: id, database: store.database, principal: context.principal, time: pages.time)
            ),
            status: error?.httpStatus ?? .ok)
    }

    package init(
        store: SampleStore, storage: StorageStore, links: [RecordLinks], identity: Identity, pages: PageRenderer
    ) {
        self.store = store
        self.storage = storage
        self.links = links
        self.identity = identity
        self.pages = pages
    }
}
