import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// A stored value of a custom field, in the kind's JSON: text and choices as strings, numbers as
/// numbers, dates as `YYYY-MM-DD` strings.
package enum CustomValue: Sendable, Equatable, Encodable {
    case text(String)
    case number(Double)
    case date(String)

    package func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text), .date(let text): try container.encode(text)
        case .number(let number): try container.encode(number)
        }
    }

    /// As pages and CSV cells show it, without the unit.
    package var text: String {
        switch self {
        case .text(let text), .date(let text): text
        case .number(let number): JSONText.number(number)
        }
    }

    var audit: AuditValue {
        switch self {
        case .text(let text), .date(let text): .text(text)
        case .number(let number): .real(number)
        }
    }
}

/// A value as a client sent it: JSON null (clears the value), a number, a string, anything else
/// (refused naming its field rather than failing the whole body), or a browser form's text, which
/// a number field reads as a number.
package enum CustomFieldInput: Decodable, Sendable, Equatable {
    case null
    case number(Double)
    case text(String)
    case other
    case form(String)

    package init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if (try? container.decode(Bool.self)) != nil {
            self = .other
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .other
        }
    }

    /// What a form's `custom_fields[key]` fields sent.
    package static func typed(_ fields: [String: String]?) -> [String: CustomFieldInput]? {
        fields?.mapValues { .form($0) }
    }
}

/// The values of custom fields on records: checked against their fields, written in the record's
/// transaction with an audit event of their own, and read back by key (decision 0043).
package enum CustomValues {
    /// How many keys one body may carry: far more than any type has fields.
    package static let maxKeys = 200

    /// The active fields of `entity`, every species', in form order.
    package static func active(_ db: Database, _ entity: CustomField.Entity) throws -> [CustomField] {
        // A statement prepared once per connection: every create of the record asks.
        try CustomField.fetchAll(
            db.cachedStatement(
                sql: "SELECT * FROM custom_fields WHERE entity_type = ? AND archived = 0 ORDER BY position, label, id"),
            arguments: [entity])
    }

    /// Whether a field, archived or not, was ever defined for `entity`. Without one no record has
    /// values, and reads skip asking for them: a sample's read then costs what it did before
    /// custom fields (docs/BENCHMARKS.md). So do creates that give none: no field can require one.
    /// Cached until `custom_fields` changes (a create already under way when the first field is
    /// defined is checked as it would have been a moment earlier).
    package static func anyDefined(_ entity: CustomField.Entity, in database: AppDatabase) async throws -> Bool {
        try await database.cache.value(
            "custom_fields.any:\(entity.rawValue)", tags: [TableInvalidation.tag(CustomField.databaseTableName)],
            ttl: .seconds(3600), cost: 64
        ) {
            try await database.read { db in
                try Bool.fetchOne(
                    db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM custom_fields WHERE entity_type = ?)"),
                    arguments: [entity]) ?? false
            }
        }
    }

    /// Each record's values by key, archived fields' too.
    package static func load(_ db: Database, _ entity: CustomField.Entity, ids: [Int64]) throws
        -> [Int64: [String: CustomValue]]
    {
        guard !ids.isEmpty else { return [:] }
        var values: [Int64: [String: CustomValue]] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT v.entity_id, f.key, v.value_text, v.value_number, v.value_date
                    FROM custom_field_values v JOIN custom_fields f ON f.id = v.field_id
                    WHERE v.entity_type = ? AND v.entity_id IN (SELECT value FROM json_each(?))
                    """), arguments: [entity, "[" + ids.map(String.init).joined(separator: ",") + "]"])
        while let row = try rows.next() {
            let value: CustomValue? =
                if let text: String = row["value_text"] {
                    .text(text)
                } else if let number: Double = row["value_number"] {
                    .number(number)
                } else {
                    (row["value_date"] as String?).map(CustomValue.date)
                }
            values[row["entity_id"], default: [:]][row["key"]] = value
        }
        return values
    }

    package static func load(_ db: Database, _ entity: CustomField.Entity, id: Int64) throws -> [String: CustomValue] {
        try load(db, entity, ids: [id])[id] ?? [:]
    }

    /// Checks `input` against the active fields of `entity` for `species` and writes it to the
    /// record `id` in `write`'s transaction: a key given changes (null or "" clears), a key not
    /// given stays. A new record needs every required field; a change may not clear one. The
    /// change is audited as `<entity>.custom_fields` with the values before and after, and with
    /// `reason`, which a change of a regulated record type needs as its other changes do.
    package static func save(
        _ input: [String: CustomFieldInput]?, entity: CustomField.Entity, id: Int64, species: String?,
        creating: Bool, reason: String? = nil, in write: AuditedWrite
    ) throws {
        let fields = try active(write.db, entity).filter { $0.applies(to: species) }
        let input = input ?? [:]
        guard input.count <= maxKeys else {
            throw APIError.validationFailed("At most \(maxKeys) custom fields.", field: "custom_fields")
        }
        var changes: [(CustomField, CustomValue?)] = []
        for (key, given) in input.sorted(by: { $0.key < $1.key }) {
            guard let field = fields.first(where: { $0.key == key }) else {
                // A new record's form has every species' fields; the species chosen decides.
                if case .form(let text) = given, text.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                throw try unknown(key, entity: entity, species: species, db: write.db)
            }
            changes.append((field, try checked(given, for: field)))
        }
        for field in fields where field.required {
            let given = changes.first { $0.0.id == field.id }
            if given?.1 == nil && (creating || given != nil) {
                throw APIError.validationFailed(
                    "\(field.label) is required.", field: "custom_fields.\(field.key)")
            }
        }
        // Nothing given, nothing to write or audit: most creates come without custom fields, and
        // reading the values twice to find no change was 3 % of an API create (docs/BENCHMARKS.md).
        guard !changes.isEmpty else { return }
        let before = try load(write.db, entity, id: id)
        for (field, value) in changes {
            try store(value, field: field, entity: entity, id: id, db: write.db)
        }
        let after = try load(write.db, entity, id: id)
        guard before != after else { return }
        if !creating, write.policy.regulated.contains(entity.rawValue),
            (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        {
            throw AuditPolicy.missingReason
        }
        let snapshot = { (values: [String: CustomValue]) throws -> String? in
            values.isEmpty ? nil : AuditValue.encode(try audited(values, entity: entity, id: id, db: write.db))
        }
        try write.log(
            "\(entity.rawValue).custom_fields", entityType: entity.rawValue, entityID: String(id),
            before: try snapshot(before), after: try snapshot(after), reason: reason)
    }

    /// `values` as the audit chain keeps them. A customer's own fields may hold the person's data
    /// (a second phone, a herd-book contact), so their texts and dates go beside the chain as
    /// tokens, as the customer's columns do, and an erasure takes them (decision 0041).
    private static func audited(_ values: [String: CustomValue], entity: CustomField.Entity, id: Int64, db: Database)
        throws -> [String: AuditValue]
    {
        guard entity == .customer else { return values.mapValues(\.audit) }
        return try values.mapValues { value in
            guard case .text(let text) = value.audit, !text.isEmpty else { return value.audit }
            return .text(try PersonalData.token(db, .customer(id), text))
        }
    }

    /// Why `key` is refused: archived, or no field of that key for this record.
    private static func unknown(_ key: String, entity: CustomField.Entity, species: String?, db: Database) throws
        -> APIError
    {
        let name = String(key.prefix(CustomFieldStore.maxKey))
        let field = "custom_fields.\(name)"
        let defined = try CustomField.filter(
            CustomField.CodingKeys.entityType == entity && CustomField.CodingKeys.key == key
        ).fetchOne(db)
        if let defined, defined.archived {
            return .validationFailed("\(defined.label) is archived: its values are kept, not changed.", field: field)
        }
        if let defined, let only = defined.species, only != species {
            return .validationFailed("\(defined.label) is only for \(only).", field: field)
        }
        return .validationFailed("No \(entity.rawValue) custom field has the key \(name).", field: field)
    }

    /// `given` as `field` stores it, nil when it clears the value.
    static func checked(_ given: CustomFieldInput, for field: CustomField) throws -> CustomValue? {
        let name = "custom_fields.\(field.key)"
        var given = given
        if case .form(let text) = given {
            let text = text.trimmingCharacters(in: .whitespaces)
            given =
                field.kind == .number
                ? Double(text.replacingOccurrences(of: ",", with: ".")).map { .number($0) } ?? .text(text) : .text(text)
        }
        switch (field.kind, given) {
        case (_, .null): return nil
        case (_, .text(let text)) where text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty: return nil
        case (.text, .text(let text)):
            let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            try InputCheck.length(text, field: name, limit: field.maxLength)
            return .text(text)
        case (.choice, .text(let text)):
            let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard field.options.contains(text) else {
                throw APIError.validationFailed("Choose one of: \(field.options.joined(separator: ", ")).", field: name)
            }
            return .text(text)
        case (.number, .number(let number)):
            let low = field.minimum ?? -1e15
            let high = field.maximum ?? 1e15
            guard number.isFinite, number >= low, number <= high else {
                let unit = field.unit.isEmpty ? "" : " " + field.unit
                throw APIError.validationFailed(
                    "Give a number from \(JSONText.number(low)) to \(JSONText.number(high))\(unit).", field: name)
            }
            return .number(number)
        case (.date, .text(let text)):
            guard let date = try? Date(text, strategy: Day.style), Day.text(date) == text else {
                throw APIError.validationFailed("Give a date as YYYY-MM-DD.", field: name)
            }
            return .date(text)
        case (.number, _): throw APIError.validationFailed("Give a number.", field: name)
        case (.date, _): throw APIError.validationFailed("Give a date as a YYYY-MM-DD string.", field: name)
        case (.text, _), (.choice, _): throw APIError.validationFailed("Give text.", field: name)
        }
    }

    /// Writes one value: the row in the kind's column, or no row for nil.
    private static func store(
        _ value: CustomValue?, field: CustomField, entity: CustomField.Entity, id: Int64, db: Database
    ) throws {
        guard let value else {
            try db.execute(
                sql: "DELETE FROM custom_field_values WHERE entity_type = ? AND entity_id = ? AND field_id = ?",
                arguments: [entity, id, field.id])
            return
        }
        let (text, number, date): (String?, Double?, String?) =
            switch value {
            case .text(let text): (text, nil, nil)
            case .number(let number): (nil, number, nil)
            case .date(let date): (nil, nil, date)
            }
        try db.execute(
            sql: """
                INSERT INTO custom_field_values (entity_type, entity_id, field_id, value_text, value_number, value_date)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (entity_type, entity_id, field_id) DO UPDATE SET
                    value_text = excluded.value_text, value_number = excluded.value_number,
                    value_date = excluded.value_date
                """, arguments: [entity, id, field.id, text, number, date])
    }
}

extension CustomValues {
    /// `{"key":value,…}` as ``CustomValue`` encodes it, keys sorted, for the JSON a record writes
    /// by hand (a sample's).
    package static func appendJSON(_ values: [String: CustomValue], to json: inout [UInt8]) {
        json.append(UInt8(ascii: "{"))
        for (index, key) in values.keys.sorted().enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            JSONText.append(key, to: &json)
            json.append(UInt8(ascii: ":"))
            switch values[key] {
            case .text(let text), .date(let text): JSONText.append(text, to: &json)
            case .number(let number): json += JSONText.number(number).utf8
            case nil: json += "null".utf8
            }
        }
        json.append(UInt8(ascii: "}"))
    }
}
