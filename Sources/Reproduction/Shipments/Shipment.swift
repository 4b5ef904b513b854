import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform

/// Straws leaving in a dry shipper for a customer or a partner lab (outbound), or arriving from
/// one (inbound), from the draft to the shipper's return.
package struct Shipment: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "shipments"
    package static let auditEntity = "shipment"

    package enum Direction: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case outbound, inbound
    }

    package enum Status: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case draft, packed
        case handedOver = "handed_over"
        case received, closed, cancelled

        package var label: String { rawValue.replacingOccurrences(of: "_", with: " ") }
        /// Contents can still change; a straw on an open shipment cannot go on another.
        package var isOpen: Bool { ![.closed, .cancelled].contains(self) }
    }

    package var id: Int64?
    package var code: String
    package var direction: Direction
    package var status = Status.draft
    package var customerId: Int64?
    package var partnerLab = ""
    package var courier = ""
    package var trackingNo = ""
    package var shipperId = ""
    package var chargedAt: Date?
    package var holdDays: Int?
    package var expectedStraws: Int?
    package var handedOverAt: Date?
    package var receivedAt: Date?
    package var shipperReturnedAt: Date?
    package var discrepancies = ""
    package var notes = ""
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, code, direction, status, courier, discrepancies, notes
        case customerId = "customer_id"
        case partnerLab = "partner_lab"
        case trackingNo = "tracking_no"
        case shipperId = "shipper_id"
        case chargedAt = "charged_at"
        case holdDays = "hold_days"
        case expectedStraws = "expected_straws"
        case handedOverAt = "handed_over_at"
        case receivedAt = "received_at"
        case shipperReturnedAt = "shipper_returned_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// When the shipper's charge runs out: charged at + the days it holds.
    package var mustArriveBy: Date? {
        guard let chargedAt, let holdDays else { return nil }
        return chargedAt.addingTimeInterval(TimeInterval(holdDays * 86_400))
    }

    package init(code: String, direction: Direction, createdAt: Date) {
        self.code = code
        self.direction = direction
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

/// A straw on a shipment: the sample, its printed code and its canister or goblet in the shipper.
package struct ShipmentItem: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "shipment_items"
    package static let auditEntity = "shipment_item"

    package var id: Int64?
    package var shipmentId: Int64
    package var sampleId: Int64
    package var code: String
    package var canister: String
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, code, canister
        case shipmentId = "shipment_id"
        case sampleId = "sample_id"
        case createdAt = "created_at"
    }
}
