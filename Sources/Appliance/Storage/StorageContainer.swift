import Foundation
import GRDB
import Hummingbird

/// A place in the store: a site or room, an LN2 tank and its canisters and goblets, or a freezer
/// with racks and boxes. Goblets, canes and boxes hold items at positions 1…rows×columns.
struct StorageContainer: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord,
    RowIDRecord,
    ResponseEncodable
{
    static let databaseTableName = "storage_containers"
    static let auditEntity = "storage_container"

    enum Kind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case site, room, tank, canister, goblet, cane, freezer, rack, box

        /// What a container of this kind may sit in (nil: at the top).
        var parents: [Kind?] {
            switch self {
            case .site: [nil]
            case .room: [.site]
            case .tank, .freezer: [nil, .site, .room]
            case .canister: [.tank]
            case .goblet, .cane: [.canister]
            case .rack: [.freezer]
            case .box: [.rack, .freezer]
            }
        }

        /// Goblets and canes are a row of slots; boxes are grids.
        var holdsItems: Bool { [.goblet, .cane, .box].contains(self) }
    }

    var id: Int64?
    var parentId: Int64?
    var kind: Kind
    var name: String
    var rows: Int
    var columns: Int
    var notes: String
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, kind, name, rows, columns, notes
        case parentId = "parent_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    var capacity: Int { rows * columns }
    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A liquid-nitrogen fill of a tank, with level readings.
struct TankFill: Codable, Sendable, FetchableRecord, MutablePersistableRecord, AuditedRecord {
    static let databaseTableName = "tank_fills"
    static let auditEntity = "tank_fill"

    var id: Int64?
    var containerId: Int64
    var filledAt: Date
    var levelBeforeCm: Double?
    var levelAfterCm: Double?
    var litres: Double?
    var userId: Int64?
    var byName: String
    var notes: String

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, litres, notes
        case containerId = "container_id"
        case filledAt = "filled_at"
        case levelBeforeCm = "level_before_cm"
        case levelAfterCm = "level_after_cm"
        case userId = "user_id"
        case byName = "by_name"
    }

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
