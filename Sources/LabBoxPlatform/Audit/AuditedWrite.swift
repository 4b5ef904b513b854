import Foundation
import GRDB
import LabBoxValues
import Synchronization

/// A record whose changes are audited: the trail stores its row (minus secrets) before and after.
package protocol AuditedRecord: MutablePersistableRecord, Sendable {
    /// The full-text index that a trigger keeps for this table, if any.
    static var searchIndex: SearchIndex? { get }
    /// The entity type named in the trail, e.g. `sample`.
    static var auditEntity: String { get }
    /// Columns never copied into the trail (password hashes, secrets).
    static var auditRedacted: Set<String> { get }
    /// Columns that hold a person's data, which the trail holds as tokens (``PersonalData``).
    static var personalFields: PersonalFields? { get }
    var auditID: String { get }
    /// The row's columns and values, as inserts and snapshots read them: GRDB's
    /// `databaseDictionary` unless the record lists them itself, as a busy one does.
    var columnValues: [String: DatabaseValue] { get throws }
    /// What an e-signature binds: the audit snapshot unless the record says otherwise.
    var signedContent: String { get throws }
}

extension AuditedRecord {
    package static var auditRedacted: Set<String> { [] }
    package static var personalFields: PersonalFields? { nil }
    package static var searchIndex: SearchIndex? { nil }
    package var columnValues: [String: DatabaseValue] { get throws { try databaseDictionary } }
    package var signedContent: String { get throws { try auditSnapshot } }

    /// The record as the trail stores it: its columns as canonical JSON (sorted keys, no spaces).
    package var auditSnapshot: String {
        get throws { Self.auditSnapshot(of: try columnValues) }
    }

    /// Dates as GRDB writes them by default (`yyyy-MM-dd HH:mm:ss.SSS`, UTC) but by
    /// ``Foundation/Date/databaseText`` instead of a `DateFormatter`: an audited write encodes its
    /// record for the row and for each snapshot, and ICU's formatting of `created_at` and
    /// `updated_at` was the largest part of that in the month-end run (docs/BENCHMARKS.md).
    package static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .custom { $0.databaseText }
    }

    /// A snapshot of the record with these column values.
    static func auditSnapshot(of columns: [String: DatabaseValue]) -> String {
        let keys = SnapshotKeys.of(Self.self, columns)
        return AuditValue.encode(ordered: keys.map { ($0, AuditValue(columns[$0] ?? .null)) })
    }
}

/// A database value as JSON.
package enum AuditValue: Codable, Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    package init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let int): self = .integer(int)
        case .double(let double): self = .real(double)
        case .string(let string): self = .text(string)
        case .blob(let data): self = .text(data.base64EncodedString())
        }
    }

    package init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let int = try? container.decode(Int64.self) {
            self = .integer(int)
        } else if let double = try? container.decode(Double.self) {
            self = .real(double)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    package func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .integer(let int): try container.encode(int)
        case .real(let double): try container.encode(double)
        case .text(let string): try container.encode(string)
        }
    }

    package var display: String {
        switch self {
        case .null: "—"
        case .integer(let int): String(int)
        case .real(let double): String(double)
        case .text(let string) where PersonalData.isToken(string):
            // Only where a page shows the trail as stored; a record's History shows the text.
            "personal data " + string.dropFirst(PersonalData.prefix.count).prefix(8)
        case .text(let string): string.isEmpty ? "(empty)" : string
        }
    }

    /// Canonical JSON: keys sorted by their UTF-8 bytes, no spaces, strings as ``JSONText`` writes
    /// them. Written directly rather than by `JSONEncoder`, which costs more than the insert
    /// itself on every audited write.
    package static func encode(_ values: [String: AuditValue]) -> String {
        encode(ordered: sortedKeys(values.keys).map { ($0, values[$0] ?? .null) })
    }

    package static func sortedKeys(_ keys: some Sequence<String>) -> [String] {
        keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// `pairs` already in ``sortedKeys(_:)`` order, for callers that encode many rows of one shape.
    package static func encode(ordered pairs: [(String, AuditValue)]) -> String {
        var json: [UInt8] = [UInt8(ascii: "{")]
        json.reserveCapacity(512)
        append(pairs, to: &json)
        json.append(UInt8(ascii: "}"))
        return String(decoding: json, as: UTF8.self)
    }

    /// `"key":value` pairs, comma-separated, without the braces.
    package static func append(_ pairs: some Collection<(String, AuditValue)>, to json: inout [UInt8]) {
        for (index, (key, value)) in pairs.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            JSONText.append(key, to: &json)
            json.append(UInt8(ascii: ":"))
            switch value {
            case .null: json += "null".utf8
            case .integer(let int): json += String(int).utf8
            case .real(let double): json += JSONText.number(double).utf8
            case .text(let string): JSONText.append(string, to: &json)
            }
        }
    }

    package static func decode(_ json: String?) -> [String: AuditValue] {
        guard let json else { return [:] }
        return (try? JSONDecoder().decode([String: AuditValue].self, from: Data(json.utf8))) ?? [:]
    }
}

/// The snapshot keys of each record type, sorted once: a record has the same columns every time,
/// and sorting them was a tenth of the month-end run, whose updates snapshot every row twice.
private enum SnapshotKeys {
    private static let sorted = Mutex<[ObjectIdentifier: [String]]>([:])

    static func of<R: AuditedRecord>(_: R.Type, _ columns: [String: DatabaseValue]) -> [String] {
        let expected = columns.count - columns.keys.count { R.auditRedacted.contains($0) }
        if let keys = sorted.withLock({ $0[ObjectIdentifier(R.self)] }), keys.count == expected,
            keys.allSatisfy({ columns[$0] != nil })
        {
            return keys
        }
        let keys = AuditValue.sortedKeys(columns.keys.filter { !R.auditRedacted.contains($0) })
        sorted.withLock { $0[ObjectIdentifier(R.self)] = keys }
        return keys
    }
}

/// Which changes need a reason. Regulated entity types (`audit.reason_required`) need one for
/// every update, delete and status change; any signed record needs one, whatever its type.
package struct AuditPolicy: Sendable {
    package var regulated: Set<String>

    package static let missingReason = APIError(
        status: .unprocessableContent, code: "validation_failed", message: "Give a reason for this change.",
        field: "reason")
}

/// The one way application code changes audited data: each method writes the record and its
/// audit event in the caller's transaction, so both commit or neither does.
package struct AuditedWrite {
    package let db: Database
    package let context: EventContext
    package let policy: AuditPolicy

    package func insert<R: AuditedRecord>(_ record: inout R, action: String = "create", reason: String? = nil) throws {
        try record.insert(db)
        let values = try record.columnValues
        try AuditTrail.append(
            db, context, action: action, entityType: R.auditEntity, entityID: record.auditID,
            after: try snapshots(R.self, [values], plain: [R.auditSnapshot(of: values)])[0], reason: reason)
    }

    /// Saves `record`, which was `previous` before. Nothing is written when nothing changed.
    package func update<R: AuditedRecord>(_ record: R, from previous: R, action: String = "update", reason: String?)
        throws
    {
        let (old, new) = (try previous.columnValues, try record.columnValues)
        let (before, after) = (R.auditSnapshot(of: old), R.auditSnapshot(of: new))
        guard before != after else { return }
        try requireReason(reason, entityType: R.auditEntity, entityID: record.auditID)
        try record.update(db)
        let trail = try snapshots(R.self, [old, new], plain: [before, after])
        try AuditTrail.append(
            db, context, action: action, entityType: R.auditEntity, entityID: record.auditID,
            before: trail[0], after: trail[1], reason: reason)
    }

    /// ``update(_:from:action:reason:)`` for a record keyed by rowid: each version is encoded
    /// once, for its snapshot and its changed columns, and only those are written, by a cached
    /// statement. GRDB's update encodes the record again and looks up the table's columns each
    /// time; in the month-end run (three charges and an invoice updated per invoice) that was a
    /// fifth of the time (docs/BENCHMARKS.md).
    package func update<R: AuditedRecord & RowIDRecord>(
        _ record: R, from previous: R, action: String = "update", reason: String?
    ) throws {
        let (old, new) = (try previous.columnValues, try record.columnValues)
        let before = R.auditSnapshot(of: old)
        let after = R.auditSnapshot(of: new)
        guard before != after else { return }
        try requireReason(reason, entityType: R.auditEntity, entityID: record.auditID)
        let id = record.id ?? 0
        // Not empty: the snapshots differ.
        let changed = Set(old.keys).union(new.keys).filter { $0 != "id" && new[$0] != old[$0] }.sorted()
        let assignments = changed.map { "\($0.quotedDatabaseIdentifier) = ?" }.joined(separator: ", ")
        var values: [(any DatabaseValueConvertible)?] = changed.map { column -> (any DatabaseValueConvertible)? in
            new[column] ?? DatabaseValue.null
        }
        values.append(id)
        try db.cachedStatement(
            sql: "UPDATE \(R.databaseTableName.quotedDatabaseIdentifier) SET \(assignments) WHERE id = ?"
        ).execute(arguments: StatementArguments(values))
        guard db.changesCount == 1 else {
            throw RecordError.recordNotFound(databaseTableName: R.databaseTableName, key: ["id": id.databaseValue])
        }
        let trail = try snapshots(R.self, [old, new], plain: [before, after])
        try AuditTrail.append(
            db, context, action: action, entityType: R.auditEntity, entityID: record.auditID,
            before: trail[0], after: trail[1], reason: reason)
    }

    package func delete<R: AuditedRecord>(_ record: R, action: String = "delete", reason: String?) throws {
        try requireReason(reason, entityType: R.auditEntity, entityID: record.auditID)
        try record.delete(db)
        let values = try record.columnValues
        try AuditTrail.append(
            db, context, action: action, entityType: R.auditEntity, entityID: record.auditID,
            before: try snapshots(R.self, [values], plain: [R.auditSnapshot(of: values)])[0], reason: reason)
    }

    /// The snapshots the trail stores for `versions` of a row: `plain` (their snapshots as they
    /// are) unless `R` holds a person's data, which the trail holds as tokens (decision 0041).
    func snapshots<R: AuditedRecord>(
        _: R.Type, _ versions: @autoclosure () throws -> [[String: DatabaseValue]],
        plain: @autoclosure () throws -> [String]
    ) throws -> [String] {
        guard let fields = R.personalFields else { return try plain() }
        return try PersonalData.pseudonymise(db, versions(), fields).map { R.auditSnapshot(of: $0) }
    }

    /// An event that is not a row change of its own (`sign`, a sign-in, a bulk action's summary).
    @discardableResult
    package func log(
        _ action: String, entityType: String, entityID: String, before: String? = nil, after: String? = nil,
        reason: String? = nil
    ) throws -> AuditEvent {
        try AuditTrail.append(
            db, context, action: action, entityType: entityType, entityID: entityID, before: before, after: after,
            reason: reason)
    }

    private func requireReason(_ reason: String?, entityType: String, entityID: String) throws {
        if let reason, !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return }
        if try policy.regulated.contains(entityType) || Signature.exists(db, entityType: entityType, entityID: entityID)
        {
            throw AuditPolicy.missingReason
        }
    }
}
