import Crypto
import Foundation
import GRDB
import LabBoxValues

/// An electronic signature: a person, a meaning and the hash of the exact record version signed.
package struct Signature: Codable, Sendable, FetchableRecord, RowIDRecord {
    package static let databaseTableName = "signatures"
    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, meaning
        case entityType = "entity_type"
        case entityId = "entity_id"
        case userId = "user_id"
        case signerName = "signer_name"
        case recordHash = "record_hash"
        case signedAt = "signed_at"
        case auditSeq = "audit_seq"
    }

    package enum Meaning: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case performed, reviewed, verified, approved, witnessed
    }

    package var id: Int64?
    package var entityType: String
    package var entityId: String
    package var userId: Int64
    package var signerName: String
    package var meaning: Meaning
    package var recordHash: String
    package var signedAt: Date
    package var auditSeq: Int64

    package static func exists(_ db: Database, entityType: String, entityID: String) throws -> Bool {
        try filter(Column("entity_type") == entityType && Column("entity_id") == entityID).isEmpty(db) == false
    }

    /// The hash a signature binds: SHA-256 of the record's signed content (its audit snapshot,
    /// unless the record narrows it).
    package static func hash<R: AuditedRecord>(of record: R) throws -> String {
        SHA256.hash(data: Data(try record.signedContent.utf8)).hex
    }

    /// Signs the current version of `record` as `signer`, in the caller's transaction, and records
    /// the signature in the audit chain. A witness must be someone other than whoever performed
    /// the action (the acting person, also when acting through their API key, and anyone who signed
    /// the same version as `performed`).
    @discardableResult
    package static func sign<R: AuditedRecord>(
        _ record: R, as signer: some Signer, meaning: Meaning, in write: AuditedWrite, reason: String? = nil
    ) throws -> Signature {
        let recordHash = try hash(of: record)
        if meaning == .witnessed {
            let performers = try Int64.fetchAll(
                write.db,
                filter(
                    Column("entity_type") == R.auditEntity && Column("entity_id") == record.auditID
                        && Column("meaning") == Meaning.performed.rawValue && Column("record_hash") == recordHash
                ).select(Column("user_id")))
            if signer.id == write.context.personID || performers.contains(signer.id ?? 0) {
                throw APIError.validationFailed(
                    "A witness must be a different person from the one who performed the action.", field: "witness")
            }
        }
        let signedAt = Date()
        var signature = Signature(
            id: nil, entityType: R.auditEntity, entityId: record.auditID, userId: signer.id ?? 0,
            signerName: signer.displayName, meaning: meaning, recordHash: recordHash, signedAt: signedAt, auditSeq: 0)
        let details = AuditValue.encode([
            "meaning": .text(meaning.rawValue), "record_hash": .text(recordHash), "signer_id": .integer(signer.id ?? 0),
            "signer": .text(signer.email),
        ])
        let event = try write.log(
            "sign", entityType: R.auditEntity, entityID: record.auditID, after: details, reason: reason)
        signature.auditSeq = event.seq
        try signature.insert(write.db)
        return signature
    }

    /// A record's signatures, each marked whether it still matches the record as it is now.
    package static func manifest<R: AuditedRecord>(_ db: Database, for record: R) throws -> [Manifest] {
        try manifests(db, for: [record])[record.auditID, default: []]
    }

    /// The signatures of each of `records`, in signing order and keyed by audit id, each marked
    /// whether it still matches its record as it is now: one query however many records.
    package static func manifests<R: AuditedRecord>(_ db: Database, for records: [R]) throws -> [String: [Manifest]] {
        var current: [String: String] = [:]
        for record in records { current[record.auditID] = try hash(of: record) }
        let signatures = try filter(
            Column("entity_type") == R.auditEntity && current.keys.contains(Column("entity_id"))
        ).order(Column("id")).fetchAll(db)
        return Dictionary(grouping: signatures, by: \.entityId).mapValues { signatures in
            signatures.map { Manifest(signature: $0, current: $0.recordHash == current[$0.entityId]) }
        }
    }

    /// One line of a record's signature manifest, as the API and the page show it.
    package struct Manifest: Codable, Sendable {
        package let id: Int64
        package let signer: String
        package let userId: Int64
        package let meaning: Meaning
        package let signedAt: Date
        package let recordHash: String
        /// False once the record changed after signing: the signature no longer covers it.
        package let matchesCurrentVersion: Bool

        package init(signature: Signature, current: Bool) {
            id = signature.id ?? 0
            signer = signature.signerName
            userId = signature.userId
            meaning = signature.meaning
            signedAt = signature.signedAt
            recordHash = signature.recordHash
            matchesCurrentVersion = current
        }

        package enum CodingKeys: String, CodingKey {
            case id, signer, meaning
            case userId = "user_id"
            case signedAt = "signed_at"
            case recordHash = "record_hash"
            case matchesCurrentVersion = "matches_current_version"
        }
    }
}

/// Whoever signs: the users of the floor above conform. The signature keeps the id and the name,
/// the audit event the email too.
package protocol Signer {
    var id: Int64? { get }
    var displayName: String { get }
    var email: String { get }
}
