import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// A record as the API shows it: its own JSON plus `custom_fields`.
package struct WithCustomFields<Record: Encodable & Sendable>: ResponseEncodable, Sendable {
    package let record: Record
    package let customFields: [String: CustomValue]

    private enum Keys: String, CodingKey { case customFields = "custom_fields" }

    package func encode(to encoder: Encoder) throws {
        try record.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(customFields, forKey: .customFields)
    }
}

extension WithCustomFields where Record: Identifiable, Record.ID == Int64? {
    /// `records` with their values, read in one query.
    package static func load(_ db: Database, _ entity: CustomField.Entity, _ records: [Record]) throws
        -> [WithCustomFields]
    {
        let values = try CustomValues.load(db, entity, ids: records.compactMap(\.id))
        return records.map { WithCustomFields(record: $0, customFields: values[$0.id ?? 0] ?? [:]) }
    }
}

/// The `cf.<key>=value` parameters of a list: records whose value of that field is the value (a
/// number field's compared as a number, so `cf.height=150` finds 150.0). A key no field has finds
/// nothing.
package struct CustomFieldFilter: Sendable, Codable, Equatable {
    package var values: [String: String] = [:]

    package static let prefix = "cf."

    package init(_ query: ListQuery) throws {
        for (name, text) in query.parameters where name.hasPrefix(Self.prefix) {
            let key = String(name.dropFirst(Self.prefix.count))
            try InputCheck.length(key, field: "cf", limit: CustomFieldStore.maxKey)
            try InputCheck.length(text, field: String(name), limit: CustomFieldStore.maxTextLength)
            values[key] = text
        }
        guard values.count <= 10 else { throw APIError.invalid("At most 10 cf. filters.", field: "cf") }
    }

    /// An SQL condition on the record table's `id` column, nil when there is none.
    package func sql(_ entity: CustomField.Entity) -> SQL? {
        guard !values.isEmpty else { return nil }
        return values.sorted(by: { $0.key < $1.key }).map { key, text -> SQL in
            let number = Double(text)
            return """
                id IN (SELECT v.entity_id FROM custom_field_values v JOIN custom_fields f ON f.id = v.field_id
                    WHERE v.entity_type = \(entity.rawValue) AND f.entity_type = \(entity.rawValue) AND f.key = \(key)
                    AND (v.value_text = \(text) OR v.value_date = \(text) OR v.value_number = \(number)))
                """
        }.joined(separator: " AND ")
    }
}
