import Foundation
import GRDB
import Hummingbird

/// An embryo from an IVF batch (in vitro) or a flush (in vivo), with its IETS stage and quality
/// codes and what became of it.
struct Embryo: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord,
    ResponseEncodable
{
    static let databaseTableName = "embryos"
    static let auditEntity = "embryo"

    enum Origin: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case ivp
        case inVivo = "in_vivo"
    }

    enum Fate: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case inCulture = "in_culture"
        case frozen, transferred, discarded

        var label: String { rawValue.replacingOccurrences(of: "_", with: " ") }
    }

    var id: Int64?
    var code: String
    var origin: Origin
    var batchId: Int64?
    var donorId: Int64
    var sireId: Int64
    var species: String
    var day: Int
    var stage: Int
    var grade: Int
    var fate: Fate = .inCulture
    var sampleId: Int64?
    var transferId: Int64?
    var gradedBy: String
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, code, origin, species, day, stage, grade, fate
        case batchId = "batch_id"
        case donorId = "donor_id"
        case sireId = "sire_id"
        case sampleId = "sample_id"
        case transferId = "transfer_id"
        case gradedBy = "graded_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Stage and grade as written on straws and reports, e.g. "7-1".
    var iets: String { "\(stage)-\(grade)" }

    static let stages = [
        1: "Unfertilised oocyte / 1-cell", 2: "2- to 12-cell", 3: "Early morula", 4: "Morula", 5: "Early blastocyst",
        6: "Blastocyst", 7: "Expanded blastocyst", 8: "Hatched blastocyst", 9: "Expanding hatched blastocyst",
    ]
    static let grades = [1: "Excellent or good", 2: "Fair", 3: "Poor", 4: "Dead or degenerating"]
}
