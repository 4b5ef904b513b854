import Crypto
import Foundation
import GRDB
import LabBoxValues

/// Whose data a row holds: a customer (`customer`, its id).
package struct PersonalSubject: Sendable, Hashable {
    package let type: String
    package let id: String

    package init(type: String, id: String) {
        (self.type, self.id) = (type, id)
    }

    package static func customer(_ id: Int64) -> PersonalSubject { PersonalSubject(type: "customer", id: String(id)) }

    /// Every customer a list's filter (its query string, empty for all) selects.
    package static func customerList(_ filter: String) -> PersonalSubject {
        PersonalSubject(type: "customer", id: "list?" + filter)
    }

    /// The list's filter, when this is a ``customerList(_:)``.
    package var listFilter: String? { id.hasPrefix("list?") ? String(id.dropFirst(5)) : nil }
}

/// The columns of an audited record that hold a person's data, and whose data they are.
package struct PersonalFields: Sendable {
    package let columns: Set<String>
    /// The subject of a row, from its column values; nil when the row is nobody's.
    package let subject: @Sendable ([String: DatabaseValue]) -> PersonalSubject?

    package init(_ columns: Set<String>, subject: @escaping @Sendable ([String: DatabaseValue]) -> PersonalSubject?) {
        self.columns = columns
        self.subject = subject
    }

    /// The subject is the customer whose id is in `idColumn`.
    package static func customer(_ columns: Set<String>, idColumn: String) -> PersonalFields {
        PersonalFields(columns) { values in
            Int64.fromDatabaseValue(values[idColumn] ?? .null).map(PersonalSubject.customer)
        }
    }

    /// For rows on any record (files, comments, notes): those on a customer are that customer's.
    package static func onCustomerRecord(_ columns: Set<String>) -> PersonalFields {
        PersonalFields(columns) { values in
            guard String.fromDatabaseValue(values["entity_type"] ?? .null) == "customer" else { return nil }
            return Int64.fromDatabaseValue(values["entity_id"] ?? .null).map(PersonalSubject.customer)
        }
    }
}

/// A person's data kept beside the audit chain rather than in it (decision 0041).
///
/// A snapshot holds `personal:<token>` where the record has a person's text; the token is
/// HMAC-SHA256 of the text under a random key of that person's own, and `personal_data` maps the
/// token back to the text. The chain hashes the token, so the text is still bound to the chain (a
/// changed value no longer matches its token), and erasing the person deletes their key and texts
/// without touching an event. A token of an erased person cannot be turned back into the text, not
/// even by trying every phone number: the key is gone.
package enum PersonalData {
    package static let prefix = "personal:"

    /// `versions` of a row (one, or before and after) with the personal columns of `fields`
    /// replaced by tokens, their texts stored. Empty texts stay as they are: they are nobody's data.
    /// Works on the column values, before they are encoded: decoding the snapshot's JSON again was
    /// most of what this cost in the month-end run (docs/BENCHMARKS.md). The versions share the
    /// key's lookup and each text's token.
    package static func pseudonymise(
        _ db: Database, _ versions: [[String: DatabaseValue]], _ fields: PersonalFields
    ) throws -> [[String: DatabaseValue]] {
        var keys: [PersonalSubject: SymmetricKey] = [:]
        var tokens: [String: String] = [:]
        return try versions.map { version in
            guard let subject = fields.subject(version) else { return version }
            var version = version
            for column in fields.columns {
                guard let text = String.fromDatabaseValue(version[column] ?? .null), !text.isEmpty, !isToken(text)
                else { continue }
                let memo = subject.type + ":" + subject.id + "\u{0}" + text
                if let token = tokens[memo] {
                    version[column] = token.databaseValue
                    continue
                }
                if keys[subject] == nil { keys[subject] = try key(db, subject) }
                let token = try store(db, subject, text, key: keys[subject]!)
                tokens[memo] = token
                version[column] = token.databaseValue
            }
            return version
        }
    }

    /// What stands for `value` of `subject` in an audit event.
    package static func token(_ db: Database, _ subject: PersonalSubject, _ value: String) throws -> String {
        try store(db, subject, value, key: try key(db, subject))
    }

    /// The token of `value` under `key`, its text stored beside the chain.
    private static func store(_ db: Database, _ subject: PersonalSubject, _ value: String, key: SymmetricKey) throws
        -> String
    {
        let token = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key).hex
        try db.cachedStatement(
            sql: """
                INSERT INTO personal_data (token, subject_type, subject_id, value) VALUES (?, ?, ?, ?)
                ON CONFLICT (token) DO NOTHING
                """
        ).execute(arguments: [token, subject.type, subject.id, value])
        return prefix + token
    }

    package static func isToken(_ text: String) -> Bool {
        text.hasPrefix(prefix) && text.utf8.count == prefix.utf8.count + 64
    }

    private static func key(_ db: Database, _ subject: PersonalSubject) throws -> SymmetricKey {
        if let data = try Data.fetchOne(
            db.cachedStatement(sql: "SELECT key FROM personal_data_keys WHERE subject_type = ? AND subject_id = ?"),
            arguments: [subject.type, subject.id])
        {
            return SymmetricKey(data: data)
        }
        let key = SymmetricKey(size: .bits256)
        try db.execute(
            sql: "INSERT INTO personal_data_keys (subject_type, subject_id, key, created_at) VALUES (?, ?, ?, ?)",
            arguments: [subject.type, subject.id, key.withUnsafeBytes { Data($0) }, AuditEvent.timestamp(Date())])
        return key
    }

    /// The texts behind the tokens among `snapshots`; a token whose text was erased maps to nothing.
    package static func texts(_ db: Database, in snapshots: [String?]) throws -> [String: String] {
        var tokens: Set<String> = []
        for snapshot in snapshots {
            for case .text(let text) in AuditValue.decode(snapshot).values where isToken(text) {
                tokens.insert(String(text.dropFirst(prefix.count)))
            }
        }
        guard !tokens.isEmpty else { return [:] }
        var texts: [String: String] = [:]
        let rows = try Row.fetchAll(
            db,
            sql:
                "SELECT token, value FROM personal_data WHERE token IN (\(databaseQuestionMarks(count: tokens.count)))",
            arguments: StatementArguments(Array(tokens)))
        for row in rows {
            let (token, value): (String, String) = (row["token"], row["value"])
            texts[prefix + token] = value
        }
        return texts
    }

    /// A snapshot as people read it: tokens replaced by their texts, or by "(erased)".
    package static func resolved(_ snapshot: String?, _ texts: [String: String]) -> String? {
        guard let snapshot, snapshot.contains(prefix) else { return snapshot }
        var values = AuditValue.decode(snapshot)
        for (column, value) in values {
            guard case .text(let text) = value, isToken(text) else { continue }
            values[column] = .text(texts[text] ?? erasedText)
        }
        return AuditValue.encode(values)
    }

    package static let erasedText = "(erased)"

    /// Deletes `subject`'s key and texts; returns how many texts there were.
    @discardableResult
    package static func erase(_ db: Database, _ subject: PersonalSubject) throws -> Int {
        try db.execute(
            sql: "DELETE FROM personal_data WHERE subject_type = ? AND subject_id = ?",
            arguments: [subject.type, subject.id])
        let count = db.changesCount
        try db.execute(
            sql: "DELETE FROM personal_data_keys WHERE subject_type = ? AND subject_id = ?",
            arguments: [subject.type, subject.id])
        return count
    }

    /// The stored texts that no longer match their token (altered beside the chain), as
    /// `subject_type:subject_id` of each, for ``AuditTrail/verify(_:)``.
    package static func altered(_ db: Database) throws -> [String] {
        // A database from before decision 0041 (a backup being checked) has no such tables.
        guard try db.tableExists("personal_data_keys") else { return [] }
        var altered: [String] = []
        let keys = try Row.fetchCursor(db, sql: "SELECT subject_type, subject_id, key FROM personal_data_keys")
        var byKey: [String: SymmetricKey] = [:]
        while let row = try keys.next() {
            byKey["\(row["subject_type"] as String):\(row["subject_id"] as String)"] = SymmetricKey(
                data: row["key"] as Data)
        }
        let rows = try Row.fetchCursor(db, sql: "SELECT token, subject_type, subject_id, value FROM personal_data")
        while let row = try rows.next() {
            let subject = "\(row["subject_type"] as String):\(row["subject_id"] as String)"
            let (value, token): (String, String) = (row["value"], row["token"])
            let matches = byKey[subject].map {
                HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: $0).hex == token
            }
            if matches != true { altered.append(subject) }
        }
        return Array(Set(altered)).sorted()
    }
}
