import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform

/// A non-surgical uterine flush of a donor, about 7 days after oestrus: what was recovered, how
/// many were unfertilised ova (UFO) or degenerate; the graded embryos are embryo records with
/// this flush's id.
package struct Flush: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "flushes"
    package static let auditEntity = "flush"

    package var id: Int64?
    package var code: String
    package var donorId: Int64
    package var sireId: Int64
    package var semenSampleId: Int64?
    package var superovulationId: Int64?
    package var flushedOn: String
    package var `operator`: String
    package var day: Int
    package var recovered: Int
    package var unfertilised: Int
    package var degenerate: Int
    package var notes = ""
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, code, day, recovered, unfertilised, degenerate, notes
        case `operator`
        case donorId = "donor_id"
        case sireId = "sire_id"
        case semenSampleId = "semen_sample_id"
        case superovulationId = "superovulation_id"
        case flushedOn = "flushed_on"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
