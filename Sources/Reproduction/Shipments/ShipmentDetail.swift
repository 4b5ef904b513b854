import Biobank
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// The shipment store's reads: one shipment with its straws where they are now, and the list.
extension ShipmentStore {
    /// The consignee's or sender's name: the customer's, else the partner lab.
    static func counterparty(_ db: Database, of shipment: Shipment) throws -> String {
        guard let customerID = shipment.customerId else { return shipment.partnerLab }
        return try String.fetchOne(db, sql: "SELECT name FROM customers WHERE id = ?", arguments: [customerID])
            ?? "customer #\(customerID)"
    }

    /// A straw on a shipment, with what and where it is now.
    package struct Line: Encodable, Sendable {
        package let id: Int64
        package let sampleId: Int64
        package let code: String
        package let canister: String
        package let kind: String
        package let species: String
        package let status: String
        /// Where it sits in storage now: an outbound straw until packing, an inbound one once in.
        package let address: String?
        package let notes: String

        package enum CodingKeys: String, CodingKey {
            case id, code, canister, kind, species, status, address, notes
            case sampleId = "sample_id"
        }
    }

    /// A shipment with its consignee or sender, its straws and when it must arrive.
    package struct Detail: Encodable, Sendable, ResponseEncodable {
        package let shipment: Shipment
        package let counterparty: String
        package let items: [Line]

        package enum CodingKeys: String, CodingKey {
            case counterparty, items
            case mustArriveBy = "must_arrive_by"
        }

        package func encode(to encoder: Encoder) throws {
            try shipment.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(counterparty, forKey: .counterparty)
            try container.encode(shipment.mustArriveBy, forKey: .mustArriveBy)
            try container.encode(items, forKey: .items)
        }
    }

    package func detail(id: Int64) async throws -> Detail {
        try await database.read { db in
            let shipment = try Self.shipment(db, id: id)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT i.id, i.sample_id, i.code, i.canister, s.kind, s.species, s.status, s.container_id,
                        s.position, s.notes
                    FROM shipment_items i JOIN samples s ON s.id = i.sample_id
                    WHERE i.shipment_id = ? ORDER BY i.canister, i.id
                    """, arguments: [id])
            let items = try rows.map { row in
                let container: Int64? = row["container_id"]
                let position: Int? = row["position"]
                return Line(
                    id: row["id"], sampleId: row["sample_id"], code: row["code"], canister: row["canister"],
                    kind: row["kind"], species: row["species"], status: row["status"],
                    address: try container.map { try StorageStore.address(db, container: $0, position: position) },
                    notes: row["notes"])
            }
            return Detail(shipment: shipment, counterparty: try Self.counterparty(db, of: shipment), items: items)
        }
    }

    package struct Filter: Sendable {
        package var direction: Shipment.Direction?
        package var status: Shipment.Status?

        package init(_ query: ListQuery) throws {
            direction = try query.choice("direction", in: Shipment.Direction.allCases.map(\.rawValue))
                .flatMap(Shipment.Direction.init)
            status = try query.choice("status", in: Shipment.Status.allCases.map(\.rawValue))
                .flatMap(Shipment.Status.init)
        }
    }

    /// Shipments, newest first, one page.
    package func list(_ filter: Filter, after: KeysetPosition?, limit: Int) async throws
        -> (items: [Shipment], next: KeysetPosition?)
    {
        try await database.read { db in
            var request = Shipment.all()
            if let direction = filter.direction { request = request.filter(Shipment.CodingKeys.direction == direction) }
            if let status = filter.status { request = request.filter(Shipment.CodingKeys.status == status) }
            return try request.page(db, order: ListOrder(column: "id", descending: true), after: after, limit: limit)
        }
    }

    /// The counterparty of each of `shipments`, by id, for a list.
    package func counterparties(_ shipments: [Shipment]) async throws -> [Int64: String] {
        try await database.read { db in
            var names: [Int64: String] = [:]
            for shipment in shipments { names[shipment.id ?? 0] = try Self.counterparty(db, of: shipment) }
            return names
        }
    }

    /// Goblets, canes and boxes with free positions, for the check-in form.
    package func containerChoices() async throws -> [StorageStore.ContainerChoice] {
        try await database.read { try StorageStore.containerChoices($0) }
    }
}
