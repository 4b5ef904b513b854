import Foundation
import GRDB
import LabBoxPlatform
import Reproduction

/// Shipments of the demo's straws, through the store so every rule applies: one to a customer
/// received complete with its shipper back, one to a partner lab with the courier, one still being
/// scanned, and one arriving from a partner lab, checked in short of a straw.
package struct DemoShipments {
    package let store: ShipmentStore

    package init(store: ShipmentStore) {
        self.store = store
    }

    package func generate(context: EventContext) async throws -> String {
        let (codes, customers) = try await store.database.read { db in
            (
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT external_id FROM samples
                        WHERE container_id IS NOT NULL AND kind IN ('semen', 'embryo') ORDER BY id LIMIT 6
                        """),
                try Int64.fetchAll(db, sql: "SELECT id FROM customers WHERE deleted_at IS NULL ORDER BY id LIMIT 2")
            )
        }
        guard codes.count == 6, let customer = customers.first else {
            return "no shipments (no straws in storage)"
        }
        let now = Date()
        func daysAgo(_ days: Double) -> String { now.addingTimeInterval(-days * 86_400).formatted(.iso8601) }
        func outbound(_ input: ShipmentStore.Input, _ codes: ArraySlice<String>, canister: String) async throws
            -> Int64
        {
            let id = try await store.create(input, context: context).id ?? 0
            for code in codes {
                _ = try await store.add(to: id, .init(code: code, canister: canister), context: context)
            }
            return id
        }

        let closed = try await outbound(
            .init(
                direction: "outbound", customerId: customer, courier: "CryoExpress", trackingNo: "CX-40211",
                shipperId: "DS-01", chargedAt: daysAgo(20), holdDays: 14), codes[0..<3], canister: "1")
        _ = try await store.pack(id: closed, context: context)
        _ = try await store.handOver(id: closed, .init(handedOverAt: daysAgo(19)), context: context)
        _ = try await store.receive(id: closed, .init(receivedAt: daysAgo(17)), context: context)
        _ = try await store.returnShipper(id: closed, at: daysAgo(10), context: context)

        let onItsWay = try await outbound(
            .init(
                direction: "outbound", partnerLab: "Nordic Genetics Centre", courier: "World Courier",
                trackingNo: "WC-775310", shipperId: "DS-02", chargedAt: daysAgo(2), holdDays: 10),
            codes[3..<5], canister: "2")
        _ = try await store.pack(id: onItsWay, context: context)
        _ = try await store.handOver(id: onItsWay, .init(handedOverAt: daysAgo(1)), context: context)

        _ = try await outbound(
            .init(direction: "outbound", customerId: customers.last, shipperId: "DS-03"), codes[5...],
            canister: "1")

        // The straws packed above freed their positions, so the arrivals have somewhere to go.
        guard let holder = try await store.containerChoices().first?.id else {
            return "3 shipments (no free position for an inbound one)"
        }
        let inbound =
            try await store.create(
                .init(
                    direction: "inbound", partnerLab: "Genetics Centre North", courier: "DHL", shipperId: "GCN-7",
                    chargedAt: daysAgo(4), holdDays: 12, expectedStraws: 3), context: context
            ).id ?? 0
        for code in ["GCN-2026-0001", "GCN-2026-0002"] {
            _ = try await store.checkIn(
                to: inbound,
                .init(code: code, kind: "semen", species: "bovine", containerId: holder, canister: "1"),
                context: context)
        }
        _ = try await store.receive(
            id: inbound,
            .init(
                receivedAt: daysAgo(2),
                discrepancies: "Expected 3 straws, found 2: GCN-2026-0003 missing from canister 1."
            ), context: context)
        return "4 shipments (1 closed, 1 with the courier, 1 being packed, 1 inbound received short)"
    }
}
