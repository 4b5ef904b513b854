import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The custom field definitions: admins add, change and archive them, every change audited. A
/// field is never deleted, so every value keeps its meaning (decision 0043).
package struct CustomFieldStore: Sendable {
    package let database: AppDatabase
    /// The configured species, the only ones a field may be restricted to.
    package let species: [String]

    package init(database: AppDatabase, species: [String]) { (self.database, self.species) = (database, species) }

    package static let maxKey = 40
    package static let maxLabel = 100
    package static let maxUnit = 20
    package static let maxChoice = 100
    package static let maxChoices = 50
    package static let maxTextLength = 2000

    /// The writable fields; nil means "not given". `entity_type`, `species`, `key` and `kind` are
    /// set when the field is added and never change: values were written under them.
    package struct Input: Decodable, Sendable {
        package var entityType: String?
        package var species: String?
        package var key: String?
        package var label: String?
        package var kind: String?
        package var unit: String?
        package var choices: [String]?
        package var required: Bool?
        package var minimum: Double?
        package var maximum: Double?
        package var maxLength: Int?
        package var position: Int?
        package var archived: Bool?

        package enum CodingKeys: String, CodingKey {
            case species, key, label, kind, unit, choices, required, minimum, maximum, position, archived
            case entityType = "entity_type"
            case maxLength = "max_length"
        }

        package init(
            entityType: String? = nil, species: String? = nil, key: String? = nil, label: String? = nil,
            kind: String? = nil, unit: String? = nil, choices: [String]? = nil, required: Bool? = nil,
            minimum: Double? = nil, maximum: Double? = nil, maxLength: Int? = nil, position: Int? = nil,
            archived: Bool? = nil
        ) {
            (self.entityType, self.species, self.key, self.label, self.kind) = (entityType, species, key, label, kind)
            (self.unit, self.choices, self.required, self.minimum, self.maximum) = (
                unit, choices, required, minimum, maximum
            )
            (self.maxLength, self.position, self.archived) = (maxLength, position, archived)
        }
    }

    /// The fields of `entity` (every type when nil) in form order, archived ones only when asked.
    package func list(entity: CustomField.Entity?, includeArchived: Bool) async throws -> [CustomField] {
        try await database.read { db in
            var request = CustomField.all()
            if let entity { request = request.filter(CustomField.CodingKeys.entityType == entity) }
            if !includeArchived { request = request.filter(CustomField.CodingKeys.archived == false) }
            return try request.order(sql: "entity_type, position, label, id").fetchAll(db)
        }
    }

    package func get(_ id: Int64) async throws -> CustomField {
        try await database.read { try Self.field($0, id: id) }
    }

    private static func field(_ db: Database, id: Int64) throws -> CustomField {
        guard let field = try CustomField.fetchOne(db, key: id) else {
            throw APIError.notFound("No custom field has id \(id).")
        }
        return field
    }

    package func create(_ input: Input, context: EventContext) async throws -> CustomField {
        guard let entity = CustomField.Entity(rawValue: input.entityType ?? "") else {
            throw APIError.validationFailed("entity_type must be animal, customer or sample.", field: "entity_type")
        }
        guard let kind = CustomField.Kind(rawValue: input.kind ?? "") else {
            throw APIError.validationFailed("kind must be text, number, date or choice.", field: "kind")
        }
        let key = input.key ?? ""
        try InputCheck.length(key, field: "key", limit: Self.maxKey)
        guard let first = key.unicodeScalars.first, ("a"..."z").contains(first),
            key.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
        else {
            throw APIError.validationFailed(
                "The key is lower-case letters, digits and _, starting with a letter, e.g. coat_colour.", field: "key")
        }
        if let species = input.species {
            guard entity.hasSpecies else {
                throw APIError.validationFailed("Customers have no species.", field: "species")
            }
            guard self.species.contains(species) else {
                throw APIError.validationFailed(
                    "Species must be one of \(self.species.joined(separator: ", ")).", field: "species")
            }
        }
        let now = Date()
        var field = CustomField(
            id: nil, entityType: entity, species: input.species, key: key, label: "", kind: kind, createdAt: now,
            updatedAt: now)
        try Self.apply(input, to: &field, creating: true)
        let draft = field
        return try await database.write(context) { write in
            var field = draft
            let taken = CustomField.filter(
                CustomField.CodingKeys.entityType == entity && CustomField.CodingKeys.key == key)
            guard try taken.fetchCount(write.db) == 0 else {
                throw APIError(
                    status: .conflict, code: "conflict",
                    message: "A \(entity.rawValue) field with the key \(key) exists (perhaps archived).", field: "key")
            }
            try write.insert(&field)
            return field
        }
    }

    package func update(_ id: Int64, _ input: Input, context: EventContext) async throws -> CustomField {
        try await database.write(context) { write in
            let previous = try Self.field(write.db, id: id)
            let fixed: [(given: String?, current: String?, name: String)] = [
                (input.entityType, previous.entityType.rawValue, "entity_type"), (input.key, previous.key, "key"),
                (input.kind, previous.kind.rawValue, "kind"), (input.species, previous.species, "species"),
            ]
            for (given, current, name) in fixed where given != nil && given != current {
                throw APIError.validationFailed(
                    "A field's \(name) cannot change: values were recorded under it. Archive it and add another.",
                    field: name)
            }
            var field = previous
            try Self.apply(input, to: &field, creating: false)
            let dropped = Set(previous.options).subtracting(field.options)
            if let used = try Self.usedChoice(write.db, field: id, among: dropped) {
                throw APIError(
                    status: .conflict, code: "conflict",
                    message: "\(used) is recorded on a \(field.entityType.rawValue): it stays a choice.",
                    field: "choices")
            }
            field.updatedAt = Date()
            try write.update(field, from: previous, reason: nil)
            return field
        }
    }

    /// An option of `options` that some record holds, if any.
    private static func usedChoice(_ db: Database, field: Int64, among options: Set<String>) throws -> String? {
        try options.sorted().first { option in
            try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM custom_field_values WHERE field_id = ? AND value_text = ?)",
                arguments: [field, option]) ?? false
        }
    }

    /// The changeable fields of `input` on `field`, each checked against the field's kind.
    static func apply(_ input: Input, to field: inout CustomField, creating: Bool) throws {
        if let label = input.label ?? (creating ? "" : nil) {
            field.label = try InputCheck.text(label, field: "label", limit: maxLabel)
            guard !field.label.isEmpty else {
                throw APIError.validationFailed("Give the label forms show, e.g. Coat colour.", field: "label")
            }
        }
        if let unit = input.unit {
            let unit = try InputCheck.text(unit, field: "unit", limit: maxUnit)
            guard unit.isEmpty || field.kind == .number else {
                throw APIError.validationFailed("Only a number field has a unit.", field: "unit")
            }
            field.unit = unit
        }
        if let choices = input.choices {
            field.choices = try checkedChoices(choices, kind: field.kind)
        }
        if field.kind == .choice && field.options.isEmpty {
            throw APIError.validationFailed("A choice field needs its options.", field: "choices")
        }
        for (given, name) in [(input.minimum, "minimum"), (input.maximum, "maximum")] {
            guard let given else { continue }
            guard field.kind == .number else {
                throw APIError.validationFailed("Only a number field has a \(name).", field: name)
            }
            guard given.isFinite, abs(given) <= 1e15 else {
                throw APIError.validationFailed("Give a \(name) within ±10^15.", field: name)
            }
            if name == "minimum" { field.minimum = given } else { field.maximum = given }
        }
        if let minimum = field.minimum, let maximum = field.maximum, minimum > maximum {
            throw APIError.validationFailed("The minimum is above the maximum.", field: "minimum")
        }
        if let maxLength = input.maxLength {
            guard field.kind == .text else {
                throw APIError.validationFailed("Only a text field has a max_length.", field: "max_length")
            }
            guard (1...maxTextLength).contains(maxLength) else {
                throw APIError.validationFailed("max_length must be 1 to \(maxTextLength).", field: "max_length")
            }
            field.maxLength = maxLength
        }
        if let position = input.position {
            guard (0...10_000).contains(position) else {
                throw APIError.validationFailed("position must be 0 to 10000.", field: "position")
            }
            field.position = position
        }
        if let required = input.required { field.required = required }
        if let archived = input.archived { field.archived = archived }
    }

    /// The options, trimmed, one per line: 1 to 50 distinct ones, only for a choice field.
    private static func checkedChoices(_ choices: [String], kind: CustomField.Kind) throws -> String {
        guard kind == .choice else {
            guard choices.isEmpty else {
                throw APIError.validationFailed("Only a choice field has choices.", field: "choices")
            }
            return ""
        }
        guard choices.count <= maxChoices else {
            throw APIError.validationFailed("At most \(maxChoices) choices.", field: "choices")
        }
        var options: [String] = []
        for (index, choice) in choices.enumerated() {
            let option = try InputCheck.text(choice, field: "choices.\(index)", limit: maxChoice)
            guard !option.isEmpty, !option.contains(where: \.isNewline) else {
                throw APIError.validationFailed("A choice is one line of text.", field: "choices.\(index)")
            }
            guard !options.contains(option) else {
                throw APIError.validationFailed("\(option) is given twice.", field: "choices.\(index)")
            }
            options.append(option)
        }
        return options.joined(separator: "\n")
    }
}
