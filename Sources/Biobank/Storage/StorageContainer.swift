import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform

/// A place in the store: a site or room, an LN2 tank and its canisters and goblets, or a freezer
/// with racks and boxes. Goblets, canes and boxes hold items at positions 1…rows×columns.
package struct StorageContainer: Codable, Sendable, Identifiable, FetchableRecord, AuditedRecord,
    RowIDRecord,
    ResponseEncodable
{
    package static let databaseTableName = "storage_containers"
    package static let auditEntity = "storage_container"

    package enum Kind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case site, room, tank, canister, goblet, cane, freezer, rack, box

        /// What a container of this kind may sit in (nil: at the top).
        package var parents: [Kind?] {
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
        package var holdsItems: Bool { [.goblet, .cane, .box].contains(self) }
    }

    package var id: Int64?
    package var parentId: Int64?
    package var kind: Kind
    package var name: String
    package var rows: Int
    package var columns: Int
    package var notes: String
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, kind, name, rows, columns, notes
        case parentId = "parent_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    package var capacity: Int { rows * columns }

    package init(
        id: Int64? = nil, parentId: Int64? = nil, kind: Kind, name: String, rows: Int, columns: Int, notes: String,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.parentId = parentId
        self.kind = kind
        self.name = name
        self.rows = rows
        self.columns = columns
        self.notes = notes
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A liquid-nitrogen fill of a tank, with level readings.
package struct TankFill: Codable, Sendable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "tank_fills"
    package static let auditEntity = "tank_fill"

    package var id: Int64?
    package var containerId: Int64
    package var filledAt: Date
    package var levelBeforeCm: Double?
    package var levelAfterCm: Double?
    package var litres: Double?
    package var userId: Int64?
    package var byName: String
    package var notes: String

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, litres, notes
        case containerId = "container_id"
        case filledAt = "filled_at"
        case levelBeforeCm = "level_before_cm"
        case levelAfterCm = "level_after_cm"
        case userId = "user_id"
        case byName = "by_name"
    }

    package init(
        id: Int64? = nil, containerId: Int64, filledAt: Date, levelBeforeCm: Double? = nil, levelAfterCm: Double? = nil,
        litres: Double? = nil, userId: Int64? = nil, byName: String, notes: String
    ) {
        self.id = id
        self.containerId = containerId
        self.filledAt = filledAt
        self.levelBeforeCm = levelBeforeCm
        self.levelAfterCm = levelAfterCm
        self.litres = litres
        self.userId = userId
        self.byName = byName
        self.notes = notes
    }
}
