import GRDB
import LabBoxPlatform

/// The custom fields of a record type in its CSV export: a `cf.<key>` column per active field,
/// after the type's own columns, in form order (decision 0043).
package enum CustomFieldCSV {
    /// The columns of `entity`'s active fields as they are now.
    package static func columns(_ database: AppDatabase, _ entity: CustomField.Entity) async throws -> [String] {
        try await database.read { db in
            try CustomValues.active(db, entity).map { CustomFieldFilter.prefix + $0.key }
        }
    }

    /// Each record's cells of `columns`, empty where it has no value.
    package static func cells(
        _ db: Database, _ entity: CustomField.Entity, ids: [Int64], columns: [String]
    ) throws -> [Int64: [String]] {
        guard !columns.isEmpty else { return [:] }
        let values = try CustomValues.load(db, entity, ids: ids)
        let keys = columns.map { String($0.dropFirst(CustomFieldFilter.prefix.count)) }
        return Dictionary(uniqueKeysWithValues: ids.map { id in (id, keys.map { values[id]?[$0]?.text ?? "" }) })
    }
}
