import GRDB
import LabBoxServer

extension RecordLinks {
    /// The shipments a straw went out or came in on, newest first: its travels, beside the
    /// check-out and check-in events of its history.
    package static let sampleShipments = RecordLinks(
        key: "shipments", title: "Shipments", permission: .storageRead, seeAll: nil,
        load: { db, id, limit, time in
            let from = "FROM shipment_items i JOIN shipments s ON s.id = i.shipment_id WHERE i.sample_id = ?"
            let total = try Int.fetchOne(db, sql: "SELECT count(*) \(from)", arguments: [id]) ?? 0
            let shipments = try Shipment.fetchAll(
                db, sql: "SELECT s.* \(from) ORDER BY s.id DESC LIMIT ?", arguments: [id, limit])
            let items = try shipments.map { shipment in
                Item(
                    href: "/shipments/\(shipment.id ?? 0)", label: shipment.code,
                    detail: [
                        shipment.direction == .outbound ? "to" : "from",
                        try ShipmentStore.counterparty(db, of: shipment), "·", shipment.status.label, "·",
                        "created \(time.day(shipment.createdAt))",
                    ].joined(separator: " "))
            }
            return (total, items)
        })
}
