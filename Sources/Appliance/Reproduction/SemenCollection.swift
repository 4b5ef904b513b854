import Foundation
import GRDB
import Hummingbird

/// One ejaculate of a sire and its evaluation; processing fills it into straws.
struct SemenCollection: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord,
    ResponseEncodable
{
    static let databaseTableName = "semen_collections"
    static let auditEntity = "semen_collection"

    var id: Int64?
    var sireId: Int64
    var collectedOn: String
    var volumeMl: Double?
    /// Million sperm per mL.
    var concentration: Double?
    var totalMotility: Int?
    var progressiveMotility: Int?
    var normalMorphology: Int?
    var postThawMotility: Int?
    var technician: String
    var extender = ""
    var strawSize = ""
    /// Million sperm per straw.
    var dosesPerStraw: Double?
    var straws = 0
    var notes = ""
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
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

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Total sperm in the ejaculate, in millions.
    var totalSperm: Double? {
        guard let volumeMl, let concentration else { return nil }
        return volumeMl * concentration
    }
}
