import CustomFields
import Customers
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Queries and writes for animals, their identifiers and pedigree. Every write is audited.
package struct AnimalStore: Sendable {
    package let database: AppDatabase
    package let species: [String]

    package struct Identifier: Codable, Sendable, Equatable {
        package var type: AnimalIdentifier.Kind
        package var value: String

        package init(type: AnimalIdentifier.Kind, value: String) {
            self.type = type
            self.value = value
        }
    }

    /// An animal as the API shows it: its columns plus its identifiers and custom fields.
    package struct Detail: ResponseEncodable, Sendable {
        package var animal: Animal
        package var identifiers: [Identifier]
        package var customFields: [String: CustomValue]

        package enum Keys: String, CodingKey {
            case identifiers
            case customFields = "custom_fields"
        }

        package func encode(to encoder: Encoder) throws {
            try animal.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(identifiers, forKey: .identifiers)
            try container.encode(customFields, forKey: .customFields)
        }

        /// The animal `id` as it is now, in the caller's transaction.
        static func load(_ db: Database, _ animal: Animal) throws -> Detail {
            let id = animal.id ?? 0
            return Detail(
                animal: animal, identifiers: try AnimalStore.identifiers(db, animalID: id),
                customFields: try CustomValues.load(db, .animal, id: id))
        }
    }

    /// The writable fields; nil means "not given". `identifiers`, when given, replaces the list.
    package struct Input: Decodable, Sendable {
        package var species: String?
        package var name: String?
        package var sex: String?
        package var breed: String?
        package var birthDate: String?
        package var notes: String?
        package var ownerId: Int64?
        package var status: String?
        package var sireId: Int64?
        package var damId: Int64?
        package var identifiers: [Identifier]?
        package var customFields: [String: CustomFieldInput]?
        package var reason: String?

        package enum CodingKeys: String, CodingKey {
            case species, name, sex, breed, notes, status, identifiers, reason
            case customFields = "custom_fields"
            case birthDate = "birth_date"
            case ownerId = "owner_id"
            case sireId = "sire_id"
            case damId = "dam_id"
        }
    }

    package struct Filter: Sendable, Codable {
        package var species: String?
        package var sex: Animal.Sex?
        package var status: Animal.Status?
        package var ownerID: Int64?
        /// Words of the name, breed, notes or identifiers (full-text, prefix match).
        package var text: String?
        package var customFields: CustomFieldFilter?
        package var includeDeleted = false
    }

    /// Applies `input`, checking each rule: known species, a real past birth date, a live owner,
    /// parents of the right sex and species, and no animal among its own ancestors.
    package func apply(_ input: Input, to animal: inout Animal, db: Database) throws {
        if let value = input.species {
            guard species.contains(value) else {
                throw APIError.validationFailed(
                    "Species must be one of \(species.joined(separator: ", ")).", field: "species")
            }
            animal.species = value
        }
        if let name = input.name {
            try InputCheck.length(name, field: "name", limit: 200)
            animal.name = name.trimmingCharacters(in: .whitespaces)
        }
        if let sex = input.sex {
            guard let value = Animal.Sex(rawValue: sex) else {
                throw APIError.validationFailed("Sex must be female, male or unknown.", field: "sex")
            }
            animal.sex = value
        }
        if let status = input.status {
            guard let value = Animal.Status(rawValue: status) else {
                throw APIError.validationFailed("Status must be active, sold or deceased.", field: "status")
            }
            animal.status = value
        }
        if let breed = input.breed {
            try InputCheck.length(breed, field: "breed", limit: 100)
            animal.breed = breed
        }
        if let notes = input.notes {
            try InputCheck.length(notes, field: "notes", limit: 5000)
            animal.notes = notes
        }
        if let text = input.birthDate {
            if text.isEmpty {
                animal.birthDate = nil
            } else {
                guard let date = try? Date(text, strategy: Day.style), Day.text(date) <= Day.today else {
                    throw APIError.validationFailed(
                        "Give the birth date as YYYY-MM-DD, not in the future.", field: "birth_date")
                }
                animal.birthDate = date.formatted(Day.style)
            }
        }
        if let ownerID = input.ownerId {
            guard let owner = try Customer.fetchOne(db, key: ownerID), owner.deletedAt == nil else {
                throw APIError.validationFailed("No customer has id \(ownerID).", field: "owner_id")
            }
            animal.ownerId = ownerID
        }
        for (parentID, sex, field) in [(input.sireId, Animal.Sex.male, "sire_id"), (input.damId, .female, "dam_id")] {
            guard let parentID else { continue }
            guard let parent = try Animal.fetchOne(db, key: parentID), parent.deletedAt == nil else {
                throw APIError.validationFailed("No animal has id \(parentID).", field: field)
            }
            guard parent.sex == sex, parent.species == animal.species else {
                throw APIError.validationFailed(
                    "The \(sex == .male ? "sire" : "dam") must be a \(sex.rawValue) \(animal.species).", field: field)
            }
            if let id = animal.id, try parentID == id || Self.isDescendant(db, parentID, of: id) {
                throw APIError.validationFailed("That would make the animal its own ancestor.", field: field)
            }
            if sex == .male { animal.sireId = parentID } else { animal.damId = parentID }
        }
    }

    /// Whether `candidate` descends from `ancestor`, over any number of generations.
    package static func isDescendant(_ db: Database, _ candidate: Int64, of ancestor: Int64) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                WITH RECURSIVE descendants(id) AS (
                    SELECT id FROM animals WHERE sire_id = :ancestor OR dam_id = :ancestor
                    UNION SELECT animals.id FROM animals JOIN descendants
                        ON animals.sire_id = descendants.id OR animals.dam_id = descendants.id)
                SELECT EXISTS (SELECT 1 FROM descendants WHERE id = :candidate)
                """, arguments: ["ancestor": ancestor, "candidate": candidate]) ?? false
    }

    /// Replaces the animal's identifiers, refusing one another animal of the species holds.
    package func setIdentifiers(_ identifiers: [Identifier], of animal: Animal, in write: AuditedWrite) throws {
        let id = animal.id ?? 0
        let before = try Self.identifiers(write.db, animalID: id)
        guard before != identifiers else { return }
        for identifier in identifiers where identifier.value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw APIError.validationFailed(
                "An identifier needs a value (\(identifier.type.rawValue)).", field: "identifiers")
        }
        try AnimalIdentifier.filter(AnimalIdentifier.CodingKeys.animalId == id).deleteAll(write.db)
        for identifier in identifiers {
            var row = AnimalIdentifier(
                id: nil, animalId: id, species: animal.species, type: identifier.type, value: identifier.value)
            do {
                try row.insert(write.db)
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw APIError(
                    status: .conflict, code: "conflict",
                    message: "Another \(animal.species) has the \(identifier.type.rawValue) \(identifier.value).",
                    field: "identifiers")
            }
        }
        try write.log(
            "animal.identifiers", entityType: Animal.auditEntity, entityID: animal.auditID,
            before: Self.encode(before), after: Self.encode(identifiers))
    }

    /// `{"ear_tag":"DE 01 234","microchip":"…"}`, several values of one type joined by "; ".
    private static func encode(_ identifiers: [Identifier]) -> String {
        let byType = Dictionary(identifiers.map { ($0.type.rawValue, $0.value) }) { $0 + "; " + $1 }
        return AuditValue.encode(byType.mapValues(AuditValue.text))
    }

    package static func identifiers(_ db: Database, animalID: Int64) throws -> [Identifier] {
        try AnimalIdentifier.filter(AnimalIdentifier.CodingKeys.animalId == animalID)
            .order(AnimalIdentifier.CodingKeys.type, AnimalIdentifier.CodingKeys.value).fetchAll(db)
            .map { Identifier(type: $0.type, value: $0.value) }
    }

    package func create(_ input: Input, context: EventContext) async throws -> Detail {
        guard input.species != nil else {
            throw APIError.validationFailed("The field 'species' is required.", field: "species")
        }
        return try await database.write(context) { write in
            let now = Date()
            var animal = Animal(
                id: nil, species: "", name: "", sex: .unknown, breed: "", birthDate: nil, notes: "", ownerId: nil,
                status: .active, sireId: nil, damId: nil, createdAt: now, updatedAt: now, deletedAt: nil)
            try apply(input, to: &animal, db: write.db)
            try write.insert(&animal)
            try setIdentifiers(input.identifiers ?? [], of: animal, in: write)
            try CustomValues.save(
                input.customFields, entity: .animal, id: animal.id ?? 0, species: animal.species, creating: true,
                in: write)
            return try Detail.load(write.db, animal)
        }
    }

    package func update(id: Int64, _ input: Input, context: EventContext) async throws -> Detail {
        try await database.write(context) { write in
            try change(id, input, in: write)
            return try Detail.load(write.db, try Animal.live(write.db, id: id))
        }
    }

    /// The same change (e.g. assigning an owner) to many animals with one reason: all, or none.
    package func changeAll(ids: [Int64], _ input: Input, context: EventContext) async throws -> BulkOutcome {
        try await database.bulk(ids, context: context) { id, write in try change(id, input, in: write) }
    }

    /// One animal's change in the caller's transaction.
    private func change(_ id: Int64, _ input: Input, in write: AuditedWrite) throws {
        let previous = try Animal.live(write.db, id: id)
        var animal = previous
        try apply(input, to: &animal, db: write.db)
        if animal.species != previous.species {
            throw APIError.validationFailed("An animal's species cannot change; record a new animal.", field: "species")
        }
        animal.updatedAt = Date()
        try write.update(animal, from: previous, reason: input.reason)
        if let identifiers = input.identifiers { try setIdentifiers(identifiers, of: animal, in: write) }
        try CustomValues.save(
            input.customFields, entity: .animal, id: id, species: animal.species, creating: false,
            reason: input.reason, in: write)
    }

    package func detail(id: Int64) async throws -> Detail? {
        try await database.read { db in
            guard let animal = try Animal.fetchOne(db, key: id) else { return nil }
            return try Detail.load(db, animal)
        }
    }

    package static let sortable = ["name", "birth_date"]

    package func list(_ filter: Filter, order: ListOrder = .byID, after: KeysetPosition?, limit: Int) async throws
        -> (items: [Animal], next: KeysetPosition?)
    {
        try await database.read { db in try page(db, filter, order: order, after: after, limit: limit) }
    }

    /// One page after `after` in `order`, and where the next starts, in the caller's read.
    package func page(_ db: Database, _ filter: Filter, order: ListOrder = .byID, after: KeysetPosition?, limit: Int)
        throws
        -> (items: [Animal], next: KeysetPosition?)
    {
        try Self.request(filter).page(db, order: order, after: after, limit: limit)
    }

    /// How many animals `filter` selects.
    package func count(_ filter: Filter) async throws -> Int {
        try await database.read { db in try Self.request(filter).fetchCount(db) }
    }

    private static func request(_ filter: Filter) -> QueryInterfaceRequest<Animal> {
        var request = Animal.all()
        if !filter.includeDeleted { request = request.filter(Animal.CodingKeys.deletedAt == nil) }
        if let species = filter.species { request = request.filter(Animal.CodingKeys.species == species) }
        if let sex = filter.sex { request = request.filter(Animal.CodingKeys.sex == sex) }
        if let status = filter.status { request = request.filter(Animal.CodingKeys.status == status) }
        if let owner = filter.ownerID { request = request.filter(Animal.CodingKeys.ownerId == owner) }
        if let match = filter.text.flatMap(SearchIndex.matchExpression) {
            request = request.filter(
                literal: "id IN (SELECT rowid FROM animals_fts WHERE animals_fts MATCH \(match))")
        }
        if let condition = filter.customFields?.sql(.animal) { request = request.filter(literal: condition) }
        return request
    }

    package init(database: AppDatabase, species: [String]) {
        self.database = database
        self.species = species
    }
}
