import Animals
import Biobank
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxValues

/// Where a pregnancy came from, and what came of a donor or sire.
package enum Trace {
    /// Back from a transfer: each embryo with its batch, the OPU sessions, donor, sire and semen.
    package struct Back: Encodable, Sendable, ResponseEncodable {
        package struct Origin: Encodable, Sendable {
            package let embryo: Embryo
            package let donor: String
            package let sire: String
            package let batch: IVFBatch?
            package let opuSessions: [OPUSession]
            package let semen: String?
            package let straw: String?

            package enum CodingKeys: String, CodingKey {
                case embryo, donor, sire, batch, semen, straw
                case opuSessions = "opu_sessions"
            }
        }

        /// A diagnosis with how many days after the transfer it was made.
        package struct Diagnosis: Encodable, Sendable {
            package let check: PregnancyCheck
            package let daysAfterTransfer: Int

            package enum CodingKeys: String, CodingKey { case daysAfterTransfer = "days_after_transfer" }

            package func encode(to encoder: Encoder) throws {
                try check.encode(to: encoder)
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(daysAfterTransfer, forKey: .daysAfterTransfer)
            }
        }

        package let transfer: Transfer
        package let recipient: String
        package let embryos: [Origin]
        package let pregnancyChecks: [Diagnosis]
        package let signatures: [Signature.Manifest]

        package enum CodingKeys: String, CodingKey {
            case transfer, recipient, embryos, signatures
            case pregnancyChecks = "pregnancy_checks"
        }
    }

    package static func back(_ db: Database, transfer id: Int64) throws -> Back {
        let transfer = try TransferStore.transfer(db, id: id)
        func name(_ id: Int64) throws -> String { try Animal.fetchOne(db, key: id)?.name ?? "#\(id)" }
        let origins = try Embryo.filter(Embryo.CodingKeys.transferId == id).order(Embryo.CodingKeys.id).fetchAll(db)
            .map { embryo -> Back.Origin in
                let batch = try embryo.batchId.flatMap { try IVFBatch.fetchOne(db, key: $0) }
                let opus = try OPUSession.fetchAll(
                    db,
                    sql: """
                        SELECT o.* FROM opu_sessions o JOIN ivf_batch_oocytes b ON b.opu_id = o.id
                        WHERE b.batch_id = ? ORDER BY o.performed_on
                        """, arguments: [embryo.batchId])
                return Back.Origin(
                    embryo: embryo, donor: try name(embryo.donorId), sire: try name(embryo.sireId), batch: batch,
                    opuSessions: opus,
                    semen: try batch?.semenSampleId.flatMap { try Sample.fetchOne(db, key: $0)?.externalId },
                    straw: try embryo.sampleId.flatMap { try Sample.fetchOne(db, key: $0)?.externalId })
            }
        return Back(
            transfer: transfer, recipient: try name(transfer.recipientId), embryos: origins,
            pregnancyChecks: try TransferStore.checks(db, transfer: id).map {
                Back.Diagnosis(check: $0, daysAfterTransfer: Day.between(transfer.transferredOn, $0.checkedOn) ?? 0)
            },
            signatures: try Signature.manifest(db, for: transfer))
    }

    /// Forward from an animal as donor or sire: every embryo, where it went and how it ended.
    package struct Forward: Encodable, Sendable, ResponseEncodable {
        package struct Line: Codable, Sendable, FetchableRecord {
            package let embryoId: Int64
            package let code: String
            package let role: String
            package let mate: String
            package let stage: Int
            package let grade: Int
            package let fate: String
            package let transferId: Int64?
            package let recipient: String?
            package let transferredOn: String?
            package let result: String?
            package let outcome: String?

            package enum CodingKeys: String, CodingKey {
                case code, role, mate, stage, grade, fate, recipient, result, outcome
                case embryoId = "embryo_id"
                case transferId = "transfer_id"
                case transferredOn = "transferred_on"
            }
        }

        package let animal: Animal
        package let opuSessions: Int
        package let semenCollections: Int
        package let embryos: [Line]

        package enum CodingKeys: String, CodingKey {
            case animal, embryos
            case opuSessions = "opu_sessions"
            case semenCollections = "semen_collections"
        }
    }

    package static func forward(_ db: Database, animal id: Int64, limit: Int = 500) throws -> Forward {
        guard let animal = try Animal.fetchOne(db, key: id) else { throw APIError.notFound("No animal has id \(id).") }
        let lines = try Forward.Line.fetchAll(
            db,
            sql: """
                SELECT e.id AS embryo_id, e.code, CASE WHEN e.donor_id = :id THEN 'donor' ELSE 'sire' END AS role,
                       m.name AS mate, e.stage, e.grade, e.fate, e.transfer_id, r.name AS recipient,
                       t.transferred_on,
                       (SELECT c.result FROM pregnancy_checks c WHERE c.transfer_id = t.id
                        ORDER BY c.checked_on DESC, c.id DESC LIMIT 1) AS result,
                       NULLIF(t.outcome, '') AS outcome
                FROM embryos e
                JOIN animals m ON m.id = CASE WHEN e.donor_id = :id THEN e.sire_id ELSE e.donor_id END
                LEFT JOIN transfers t ON t.id = e.transfer_id
                LEFT JOIN animals r ON r.id = t.recipient_id
                WHERE e.donor_id = :id OR e.sire_id = :id
                ORDER BY e.id DESC LIMIT :limit
                """, arguments: ["id": id, "limit": limit])
        return Forward(
            animal: animal,
            opuSessions: try OPUSession.filter(OPUSession.CodingKeys.donorId == id).fetchCount(db),
            semenCollections: try SemenCollection.filter(SemenCollection.CodingKeys.sireId == id).fetchCount(db),
            embryos: lines)
    }
}
