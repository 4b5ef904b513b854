import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform

/// An embryo from an IVF batch (in vitro) or a flush (in vivo), with its IETS stage and quality
/// codes and what became of it.
package struct Embryo: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "embryos"
    package static let auditEntity = "embryo"

    package enum Origin: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case ivp
        case inVivo = "in_vivo"
    }

    package enum Fate: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case inCulture = "in_culture"
        case frozen, transferred, discarded

        package var label: String { rawValue.replacingOccurrences(of: "_", with: " ") }
    }

    package var id: Int64?
    package var code: String
    package var origin: Origin
    package var batchId: Int64?
    /// The flush it was recovered in (in vivo embryos recorded with their flush).
    package var flushId: Int64? = nil
    package var donorId: Int64
    package var sireId: Int64
    package var species: String
    package var day: Int
    package var stage: Int
    package var grade: Int
    package var fate: Fate = .inCulture
    package var sampleId: Int64?
    package var transferId: Int64?
    package var gradedBy: String
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, code, origin, species, day, stage, grade, fate
        case batchId = "batch_id"
        case flushId = "flush_id"
        case donorId = "donor_id"
        case sireId = "sire_id"
        case sampleId = "sample_id"
        case transferId = "transfer_id"
        case gradedBy = "graded_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// Stage and grade as written on straws and reports, e.g. "7-1".
    package var iets: String { "\(stage)-\(grade)" }

    package static let stages = [
        1: "Unfertilised oocyte / 1-cell", 2: "2- to 12-cell", 3: "Early morula", 4: "Morula", 5: "Early blastocyst",
        6: "Blastocyst", 7: "Expanded blastocyst", 8: "Hatched blastocyst", 9: "Expanding hatched blastocyst",
    ]
    package static let grades = [1: "Excellent or good", 2: "Fair", 3: "Poor", 4: "Dead or degenerating"]
}
