import CustomFields
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Queries and writes for samples. Every write goes through ``AuditedWrite``.
package struct SampleStore: Sendable {
    package let database: AppDatabase
    package let species: [String]
    package let kinds: [String]

    /// The writable fields, as the API and the form send them; nil means "not given".
    package struct Input: Decodable, Sendable {
        package var externalId: String?
        package var species: String?
        package var kind: String?
        package var status: Sample.Status?
        package var animalId: Int64?
        package var collectedAt: String?
        package var notes: String?
        package var collectedBy: String?
        package var quantity: Double?
        package var unit: String?
        package var doses: Int?
        package var freezeThawCount: Int?
        /// On create only: the samples this one was taken from.
        package var parents: [Parent]?
        package var customFields: [String: CustomFieldInput]?

        package enum CodingKeys: String, CodingKey {
            case species, kind, status, notes, quantity, unit, doses, parents
            case customFields = "custom_fields"
            case externalId = "external_id"
            case animalId = "animal_id"
            case collectedAt = "collected_at"
            case collectedBy = "collected_by"
            case freezeThawCount = "freeze_thaw_count"
        }

        package init(
            externalId: String? = nil, species: String? = nil, kind: String? = nil, status: Sample.Status? = nil,
            animalId: Int64? = nil, collectedAt: String? = nil, notes: String? = nil, collectedBy: String? = nil,
            quantity: Double? = nil, unit: String? = nil, doses: Int? = nil, freezeThawCount: Int? = nil,
            parents: [Parent]? = nil, customFields: [String: CustomFieldInput]? = nil
        ) {
            self.externalId = externalId
            self.species = species
            self.kind = kind
            self.status = status
            self.animalId = animalId
            self.collectedAt = collectedAt
            self.notes = notes
            self.collectedBy = collectedBy
            self.quantity = quantity
            self.unit = unit
            self.doses = doses
            self.freezeThawCount = freezeThawCount
            self.parents = parents
            self.customFields = customFields
        }
    }

    package struct Parent: Codable, Sendable, Equatable {
        package enum Relation: String, Codable, Sendable, CaseIterable { case aliquot, derivative, pool }
        package var sampleId: Int64
        package var relation: Relation

        package enum CodingKeys: String, CodingKey {
            case relation
            case sampleId = "sample_id"
        }
    }

    package static let units = ["mL", "µL", "straws", "vials", "mg", "µg", "cells", "embryos", "oocytes"]

    package struct Filter: Sendable, Codable {
        package var species: String?
        package var kind: String?
        package var status: Sample.Status?
        /// Words of the external id or notes (full-text, prefix match).
        package var text: String?
        package var animalId: Int64?
        /// The customer owning the samples' animals.
        package var ownerId: Int64?
        /// A storage container: the samples in it or in any container inside it (a tank's canisters,
        /// their goblets).
        package var containerId: Int64?
        /// Collected at or after this instant, in the database's form (``Date/databaseText``).
        package var collectedFrom: String?
        /// Collected before this instant (exclusive), in the database's form.
        package var collectedBefore: String?
        /// `cf.<key>=value`: a custom field's value.
        package var customFields: CustomFieldFilter?

        package init(
            species: String? = nil, kind: String? = nil, status: Sample.Status? = nil, text: String? = nil,
            animalId: Int64? = nil, ownerId: Int64? = nil, containerId: Int64? = nil, collectedFrom: String? = nil,
            collectedBefore: String? = nil
        ) {
            self.species = species
            self.kind = kind
            self.status = status
            self.text = text
            self.animalId = animalId
            self.ownerId = ownerId
            self.containerId = containerId
            self.collectedFrom = collectedFrom
            self.collectedBefore = collectedBefore
        }
    }

    /// Whether a sample has `externalId`; every create and every imported row asks, so the
    /// statement is prepared once per connection.
    package static func externalIdTaken(_ externalId: String, db: Database) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM samples WHERE external_id = ?)"),
            arguments: [externalId]) ?? false
    }

    /// Applies `input` to `sample`, checking every rule the contract and the lifecycle name.
    package func apply(_ input: Input, to sample: inout Sample, db: Database) throws {
        if let externalId = input.externalId {
            guard (1...64).contains(externalId.count) else {
                throw APIError.validationFailed("The external id must have 1 to 64 characters.", field: "external_id")
            }
            sample.externalId = externalId
        }
        if let value = input.species {
            guard species.contains(value) else {
                throw APIError.validationFailed(
                    "Species must be one of \(species.joined(separator: ", ")).", field: "species")
            }
            sample.species = value
        }
        if let value = input.kind {
            guard kinds.contains(value) else {
                throw APIError.validationFailed("Kind must be one of \(kinds.joined(separator: ", ")).", field: "kind")
            }
            sample.kind = value
        }
        if let status = input.status, status != sample.status {
            guard sample.id == nil || sample.status.next.contains(status) else {
                let allowed = sample.status.next.map(\.rawValue).joined(separator: ", ")
                throw APIError.validationFailed(
                    "A \(sample.status.rawValue) sample cannot become \(status.rawValue)"
                        + (allowed.isEmpty ? "; it is final." : "; it can become \(allowed)."), field: "status")
            }
            sample.status = status
        }
        if let animalId = input.animalId {
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM animals WHERE id = ?", arguments: [animalId]) != nil else {
                throw APIError.validationFailed("No animal has id \(animalId).", field: "animal_id")
            }
            sample.animalId = animalId
        }
        if let text = input.collectedAt {
            guard let date = Timestamp.parse(text) else {
                throw APIError.validationFailed(
                    "Give the collection time as an RFC 3339 timestamp, e.g. 2026-03-01T09:30:00Z.",
                    field: "collected_at")
            }
            sample.collectedAt = date
        }
        if let notes = input.notes {
            try InputCheck.length(notes, field: "notes", limit: 2000)
            sample.notes = notes
        }
        if let collectedBy = input.collectedBy {
            try InputCheck.length(collectedBy, field: "collected_by", limit: 200)
            sample.collectedBy = collectedBy
        }
        if let quantity = input.quantity {
            guard quantity >= 0, quantity.isFinite else {
                throw APIError.validationFailed("The quantity cannot be negative.", field: "quantity")
            }
            sample.quantity = quantity
        }
        if let unit = input.unit {
            guard unit.isEmpty || Self.units.contains(unit) else {
                throw APIError.validationFailed(
                    "The unit must be one of \(Self.units.joined(separator: ", ")).", field: "unit")
            }
            sample.unit = unit
        }
        if let doses = input.doses {
            guard doses >= 0 else { throw APIError.validationFailed("Doses cannot be negative.", field: "doses") }
            sample.doses = doses
        }
        if let count = input.freezeThawCount {
            guard count >= sample.freezeThawCount else {
                throw APIError.validationFailed("The freeze–thaw count only goes up.", field: "freeze_thaw_count")
            }
            sample.freezeThawCount = count
        }
    }

    /// Links a new sample to the samples it came from: one parent for an aliquot or derivative,
    /// two or more for a pool, all of the same species.
    private func link(_ sample: Sample, to parents: [Parent], in write: AuditedWrite) throws {
        guard !parents.isEmpty else { return }
        let relations = Set(parents.map(\.relation))
        guard relations.count == 1, let relation = relations.first else {
            throw APIError.validationFailed("All parents must have the same relation.", field: "parents")
        }
        guard relation == .pool ? parents.count >= 2 : parents.count == 1 else {
            throw APIError.validationFailed(
                relation == .pool ? "A pool needs two or more parents." : "An \(relation.rawValue) has one parent.",
                field: "parents")
        }
        for parent in parents {
            guard let source = try Sample.fetchOne(write.db, key: parent.sampleId) else {
                throw APIError.validationFailed("No sample has id \(parent.sampleId).", field: "parents")
            }
            guard source.species == sample.species else {
                throw APIError.validationFailed(
                    "\(source.externalId) is \(source.species), not \(sample.species).", field: "parents")
            }
            try write.db.execute(
                sql: "INSERT INTO sample_links (child_id, parent_id, relation) VALUES (?, ?, ?)",
                arguments: [sample.id, parent.sampleId, relation.rawValue])
        }
        try write.log(
            "sample.derive", entityType: Sample.auditEntity, entityID: sample.auditID,
            after: AuditValue.encode([
                "relation": .text(relation.rawValue),
                "parents": .text(parents.map { String($0.sampleId) }.joined(separator: ",")),
            ]))
    }

    package func create(_ input: Input, context: EventContext) async throws -> SampleDetail {
        for (value, field) in [
            (input.externalId, "external_id"), (input.species, "species"), (input.kind, "kind"),
            (input.collectedAt, "collected_at"),
        ] where value == nil {
            throw APIError.validationFailed("The field '\(field)' is required.", field: field)
        }
        // Where no custom field was ever defined for samples, a create without custom fields has
        // nothing to check or save, and skips asking (3 % of an API create; docs/BENCHMARKS.md).
        let customFields = try await input.customFields != nil ? true : CustomValues.anyDefined(.sample, in: database)
        return try await database.write(context) { write in
            let now = Date()
            var sample = Sample(
                id: nil, externalId: "", species: "", kind: "", status: .received, animalId: nil, collectedAt: now,
                notes: "", createdAt: now, updatedAt: now)
            try apply(input, to: &sample, db: write.db)
            guard try !Self.externalIdTaken(sample.externalId, db: write.db) else {
                throw APIError(
                    status: .conflict, code: "conflict", message: "A sample with this external id exists.",
                    field: "external_id")
            }
            try write.insert(&sample)
            try link(sample, to: input.parents ?? [], in: write)
            if customFields {
                try CustomValues.save(
                    input.customFields, entity: .sample, id: sample.id ?? 0, species: sample.species, creating: true,
                    in: write)
            }
            // A new sample has the values it was given, read back as stored; none when none were.
            let values =
                input.customFields?.isEmpty == false
                ? try CustomValues.load(write.db, .sample, id: sample.id ?? 0) : [:]
            return SampleDetail(sample: sample, customFields: values)
        }
    }

    /// Changes a sample. Discarding needs a witness, who signs the discarded record in the same
    /// transaction: material destroyed by mistake cannot be recovered.
    package func update(
        id: Int64, _ input: Input, reason: String?, witness: User?, context: EventContext
    ) async throws -> Sample {
        try await database.write(context) { write in
            try change(id, input, reason: reason, witness: witness, in: write)
        }
    }

    /// One sample's change inside the caller's transaction: the single update and each item of a
    /// bulk change go through here.
    private func change(_ id: Int64, _ input: Input, reason: String?, witness: User?, in write: AuditedWrite) throws
        -> Sample
    {
        guard let previous = try Sample.fetchOne(write.db, key: id) else {
            throw APIError.notFound("No such sample.")
        }
        var sample = previous
        try apply(input, to: &sample, db: write.db)
        if sample.externalId != previous.externalId,
            try Self.externalIdTaken(sample.externalId, db: write.db)
        {
            throw APIError(
                status: .conflict, code: "conflict", message: "A sample with this external id exists.",
                field: "external_id")
        }
        let discarding = sample.status == .discarded && previous.status != .discarded
        if discarding && witness == nil {
            throw APIError.validationFailed("Discarding a sample needs a witness to sign.", field: "witness")
        }
        if sample.status.next.isEmpty {
            // Shipped, used or discarded material has left the store and frees its position.
            sample.containerId = nil
            sample.position = nil
        }
        sample.updatedAt = Date()
        let action = sample.status != previous.status ? "sample.status" : "update"
        try write.update(sample, from: previous, action: action, reason: reason)
        if discarding, let witness {
            try Signature.sign(sample, as: witness, meaning: .witnessed, in: write, reason: reason)
        }
        try CustomValues.save(
            input.customFields, entity: .sample, id: id, species: sample.species, creating: false, reason: reason,
            in: write)
        return sample
    }

    /// The same change (e.g. a status) to many samples with one reason: all of them, or none.
    package func changeAll(ids: [Int64], _ input: Input, reason: String?, witness: User?, context: EventContext)
        async throws -> BulkOutcome
    {
        try await database.bulk(ids, context: context) { id, write in
            _ = try change(id, input, reason: reason, witness: witness, in: write)
        }
    }

    /// The ids of the samples with these barcodes (external ids), in order; an unknown one is a 422.
    package func ids(barcodes: [String]) async throws -> [Int64] {
        try await database.read { db in
            try barcodes.map { code in
                guard
                    let id = try Int64.fetchOne(
                        db, sql: "SELECT id FROM samples WHERE external_id = ?", arguments: [code])
                else { throw APIError.validationFailed("No sample has the barcode \(code).", field: "parents") }
                return id
            }
        }
    }

    /// The API's most frequent read, so its statement is prepared once per connection.
    package func sample(id: Int64) async throws -> Sample? {
        try await database.read(singleStatement: true) { db in
            try Sample.fetchOne(db.cachedStatement(sql: Self.byID), arguments: [id])
        }
    }

    /// A sample with its custom field values, read together: one hop to a reader, not two.
    package func detail(id: Int64) async throws -> SampleDetail? {
        guard try await CustomValues.anyDefined(.sample, in: database) else {
            return try await sample(id: id).map { SampleDetail(sample: $0, customFields: [:]) }
        }
        return try await database.read { db in
            guard let sample = try Sample.fetchOne(db.cachedStatement(sql: Self.byID), arguments: [id]) else {
                return nil
            }
            return SampleDetail(sample: sample, customFields: try CustomValues.load(db, .sample, id: id))
        }
    }

    /// Each sample's custom field values.
    package func customFields(of samples: [Sample]) async throws -> [Int64: [String: CustomValue]] {
        guard try await CustomValues.anyDefined(.sample, in: database) else { return [:] }
        return try await database.read { db in try CustomValues.load(db, .sample, ids: samples.compactMap(\.id)) }
    }

    private static let selection = Sample.selection(of: "samples")
    private static let byID = "SELECT \(selection) FROM samples WHERE id = ?"

    /// The columns sample lists may be sorted by (besides id).
    package static let sortable = ["collected_at", "external_id"]

    /// One page after `after` in `order`, and where the next starts (nil on the last page).
    package func list(_ filter: Filter, order: ListOrder = .byID, after: KeysetPosition?, limit: Int) async throws
        -> (items: [Sample], next: KeysetPosition?)
    {
        try await indexBacklog(for: filter)
        return try await database.read { db in
            try Self.checkReferences(filter, db)
            // SQL of its own, not the query interface's: each filter shape's statement is
            // prepared once per connection and kept (building and preparing it anew was 13 % of
            // a page; docs/BENCHMARKS.md, third round).
            let (keyset, orderBy) = order.keyset(after: after)
            let conditions = Self.conditions(filter) + [keyset].compactMap { $0 }
            let statement = try db.cachedStatement(
                literal: """
                    SELECT \(sql: Self.selection) FROM samples
                    WHERE \(conditions.joined(operator: .and))
                    ORDER BY \(orderBy) LIMIT \(limit + 1)
                    """)
            return try order.page(of: Sample.fetchAll(statement), limit: limit)
        }
    }

    package func count(_ filter: Filter) async throws -> Int {
        try await indexBacklog(for: filter)
        return try await database.read { db in
            try Self.checkReferences(filter, db)
            let conditions = Self.conditions(filter)
            return try Sample.filter(conditions.joined(operator: .and)).fetchCount(db)
        }
    }

    /// A text search must see the samples written before it (see ``SearchIndex/catchUp(_:)``).
    private func indexBacklog(for filter: Filter) async throws {
        if filter.text != nil { try await Sample.searchIndex?.catchUp(database) }
    }

    /// What `filter` asks of a sample, one condition each.
    private static func conditions(_ filter: Filter) -> [SQL] {
        var conditions: [SQL] = []
        if let species = filter.species { conditions.append("species = \(species)") }
        if let kind = filter.kind { conditions.append("kind = \(kind)") }
        if let status = filter.status { conditions.append("status = \(status)") }
        if let match = filter.text.flatMap(SearchIndex.matchExpression) {
            conditions.append("id IN (SELECT rowid FROM samples_fts WHERE samples_fts MATCH \(match))")
        }
        if let animal = filter.animalId { conditions.append("animal_id = \(animal)") }
        if let owner = filter.ownerId {
            conditions.append("animal_id IN (SELECT id FROM animals WHERE owner_id = \(owner))")
        }
        if let container = filter.containerId {
            conditions.append(
                """
                container_id IN (WITH RECURSIVE inside(id) AS (SELECT \(container) UNION ALL
                SELECT c.id FROM storage_containers c JOIN inside ON c.parent_id = inside.id) SELECT id FROM inside)
                """)
        }
        if let from = filter.collectedFrom { conditions.append("collected_at >= \(from)") }
        if let before = filter.collectedBefore { conditions.append("collected_at < \(before)") }
        if let condition = filter.customFields?.sql(.sample) { conditions.append(condition) }
        return conditions
    }

    /// Refuses a filter naming a record that does not exist, before work is queued for it.
    package func check(_ filter: Filter) async throws {
        try await database.read { db in try Self.checkReferences(filter, db) }
    }

    /// A filter naming a record that does not exist is a mistake to report (422 naming the
    /// parameter), not an empty list that looks like an answer.
    private static func checkReferences(_ filter: Filter, _ db: Database) throws {
        for (id, table, field, noun) in [
            (filter.animalId, "animals", "animal_id", "animal"), (filter.ownerId, "customers", "owner_id", "customer"),
            (filter.containerId, "storage_containers", "container_id", "storage container"),
        ] {
            guard let id else { continue }
            guard
                try Bool.fetchOne(
                    db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE id = ?)"),
                    arguments: [id]) == true
            else { throw APIError.validationFailed("No \(noun) has id \(id).", field: field) }
        }
    }

    package func sign(id: Int64, as signer: User, meaning: Signature.Meaning, reason: String?, context: EventContext)
        async throws -> Signature
    {
        try await database.write(context) { write in
            guard let sample = try Sample.fetchOne(write.db, key: id) else {
                throw APIError.notFound("No such sample.")
            }
            return try Signature.sign(sample, as: signer, meaning: meaning, in: write, reason: reason)
        }
    }

    /// Everything the sample page shows, read in one snapshot.
    package struct Record: Sendable {
        package let sample: Sample
        package let history: [History.Entry]
        package let signatures: [Signature.Manifest]
        package let lineage: Lineage
        /// `Tank 3 / C2 / G1 / 4` when stored.
        package let address: String?
    }

    package func record(id: Int64) async throws -> Record? {
        try await database.read { db in
            guard let sample = try Sample.fetchOne(db, key: id) else { return nil }
            return Record(
                sample: sample,
                history: try History.entries(db, entityType: Sample.auditEntity, entityID: sample.auditID),
                signatures: try Signature.manifest(db, for: sample), lineage: try Lineage.load(db, id: id),
                address: try sample.containerId.map {
                    try StorageStore.address(db, container: $0, position: sample.position)
                })
        }
    }

    package init(database: AppDatabase, species: [String], kinds: [String]) {
        self.database = database
        self.species = species
        self.kinds = kinds
    }
}
