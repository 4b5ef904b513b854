import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform

/// One ejaculate of a sire and its evaluation; processing fills it into straws.
package struct SemenCollection: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord,
    AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "semen_collections"
    package static let auditEntity = "semen_collection"

    package var id: Int64?
    package var sireId: Int64
    package var collectedOn: String
    package var volumeMl: Double?
    /// Million sperm per mL.
    package var concentration: Double?
    package var totalMotility: Int?
    package var progressiveMotility: Int?
    package var normalMorphology: Int?
    package var postThawMotility: Int?
    package var technician: String
    package var extender = ""
    package var strawSize = ""
    /// Million sperm per straw.
    package var dosesPerStraw: Double?
    package var straws = 0
    package var notes = ""
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, concentration, technician, extender, straws, notes
        case sireId = "sire_id"
        case collectedOn = "collected_on"
        case volumeMl = "volume_ml"
        case totalMotility = "total_motility"
        case progressiveMotility = "progressive_motility"
        case normalMorphology = "normal_morphology"
        case postThawMotility = "post_thaw_motility"
        case strawSize = "straw_size"
        case dosesPerStraw = "doses_per_straw"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// Total sperm in the ejaculate, in millions.
    package var totalSperm: Double? {
        guard let volumeMl, let concentration else { return nil }
        return volumeMl * concentration
    }
}
