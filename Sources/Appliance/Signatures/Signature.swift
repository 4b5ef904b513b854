import Crypto
import Foundation
import GRDB
import Hummingbird

/// An electronic signature: a person, a meaning and the hash of the exact record version signed.
struct Signature: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "signatures"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    enum Meaning: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case performed, reviewed, verified, approved, witnessed
    }

    var id: Int64?
    var entityType: String
    var entityId: String
    var userId: Int64
    var signerName: String
    var meaning: Meaning
    var recordHash: String
    var signedAt: Date
    var auditSeq: Int64

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    static func exists(_ db: Database, entityType: String, entityID: String) throws -> Bool {
        try filter(Column("entity_type") == entityType && Column("entity_id") == entityID).isEmpty(db) == false
    }

    /// The hash a signature binds: SHA-256 of the record's signed content (its audit snapshot,
    /// unless the record narrows it).
    static func hash<R: AuditedRecord>(of record: R) throws -> String {
        SHA256.hash(data: Data(try record.signedContent.utf8)).hex
    }

    /// Signs the current version of `record` as `signer`, in the caller's transaction, and records
    /// the signature in the audit chain. A witness must be someone other than whoever performed
    /// the action (the acting user and anyone who signed the same version as `performed`).
    @discardableResult
    static func sign<R: AuditedRecord>(
        _ record: R, as signer: User, meaning: Meaning, in write: AuditedWrite, reason: String? = nil
    ) throws -> Signature {
        let recordHash = try hash(of: record)
        if meaning == .witnessed {
            let performers = try Int64.fetchAll(
                write.db,
                filter(
                    Column("entity_type") == R.auditEntity && Column("entity_id") == record.auditID
                        && Column("meaning") == Meaning.performed.rawValue && Column("record_hash") == recordHash
                ).select(Column("user_id")))
            let actor = write.context.actorType == .user ? write.context.actorID : nil
            if signer.id == actor || performers.contains(signer.id ?? 0) {
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
    static func manifest<R: AuditedRecord>(_ db: Database, for record: R) throws -> [Manifest] {
        try manifests(db, for: [record])[record.auditID, default: []]
    }

    /// The signatures of each of `records`, in signing order and keyed by audit id, each marked
    /// whether it still matches its record as it is now: one query however many records.
    static func manifests<R: AuditedRecord>(_ db: Database, for records: [R]) throws -> [String: [Manifest]] {
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
    struct Manifest: Codable, Sendable {
        let id: Int64
        let signer: String
        let userId: Int64
        let meaning: Meaning
        let signedAt: Date
        let recordHash: String
        /// False once the record changed after signing: the signature no longer covers it.
        let matchesCurrentVersion: Bool

        init(signature: Signature, current: Bool) {
            id = signature.id ?? 0
            signer = signature.signerName
            userId = signature.userId
            meaning = signature.meaning
            signedAt = signature.signedAt
            recordHash = signature.recordHash
            matchesCurrentVersion = current
        }

        enum CodingKeys: String, CodingKey {
            case id, signer, meaning
            case userId = "user_id"
            case signedAt = "signed_at"
            case recordHash = "record_hash"
            case matchesCurrentVersion = "matches_current_version"
        }
    }
}
