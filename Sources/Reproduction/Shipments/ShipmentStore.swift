import Biobank
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Shipments and their straws: with `ShipmentDetail.swift` (the reads), the only place with their
/// SQL. Every write is audited; packing checks every straw out of its position in one transaction,
/// and an inbound check-in creates the straw and places it in one.
package struct ShipmentStore: Sendable {
    package let database: AppDatabase
    package let species: [String]
    package let sampleKinds: [String]

    /// The header of a shipment, as created or changed.
    package struct Input: Codable, Sendable {
        package var direction: String?
        package var customerId: Int64?
        package var partnerLab: String?
        package var courier: String?
        package var trackingNo: String?
        package var shipperId: String?
        package var chargedAt: String?
        package var holdDays: Int?
        package var expectedStraws: Int?
        package var notes: String?
        package var reason: String?

        package enum CodingKeys: String, CodingKey {
            case direction, courier, notes, reason
            case customerId = "customer_id"
            case partnerLab = "partner_lab"
            case trackingNo = "tracking_no"
            case shipperId = "shipper_id"
            case chargedAt = "charged_at"
            case holdDays = "hold_days"
            case expectedStraws = "expected_straws"
        }

        package init(
            direction: String? = nil, customerId: Int64? = nil, partnerLab: String? = nil, courier: String? = nil,
            trackingNo: String? = nil, shipperId: String? = nil, chargedAt: String? = nil, holdDays: Int? = nil,
            expectedStraws: Int? = nil, notes: String? = nil, reason: String? = nil
        ) {
            self.direction = direction
            self.customerId = customerId
            self.partnerLab = partnerLab
            self.courier = courier
            self.trackingNo = trackingNo
            self.shipperId = shipperId
            self.chargedAt = chargedAt
            self.holdDays = holdDays
            self.expectedStraws = expectedStraws
            self.notes = notes
            self.reason = reason
        }
    }

    package func create(_ input: Input, context: EventContext) async throws -> Shipment {
        try Self.bounded(input)
        guard let direction = input.direction.flatMap(Shipment.Direction.init) else {
            throw APIError.validationFailed("The direction is outbound or inbound.", field: "direction")
        }
        return try await database.write(context) { write in
            let next = (try Int64.fetchOne(write.db, sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM shipments") ?? 1)
            var shipment = Shipment(
                code: "SH-" + String(format: "%04lld", next), direction: direction, createdAt: Date())
            try Self.apply(input, to: &shipment, db: write.db)
            try write.insert(&shipment)
            return shipment
        }
    }

    /// Changes the header; a closed or cancelled shipment is history and stays as it was.
    package func update(id: Int64, _ input: Input, context: EventContext) async throws -> Shipment {
        try Self.bounded(input)
        return try await database.write(context) { write in
            let previous = try Self.shipment(write.db, id: id)
            guard previous.status.isOpen else {
                throw Self.conflict("\(previous.code) is \(previous.status.label); it cannot change.", field: "status")
            }
            var shipment = previous
            try Self.apply(input, to: &shipment, db: write.db)
            shipment.updatedAt = Date()
            try write.update(shipment, from: previous, reason: FormText.text(input.reason))
            return shipment
        }
    }

    /// Refuses a text over its bound before anything else is looked at, naming it.
    private static func bounded(_ input: Input) throws {
        for (text, field, limit) in [
            (input.partnerLab, "partner_lab", 200), (input.courier, "courier", 100),
            (input.trackingNo, "tracking_no", 100), (input.shipperId, "shipper_id", 60), (input.notes, "notes", 2000),
            (input.reason, "reason", 2000),
        ] {
            try InputCheck.length(text ?? "", field: field, limit: limit)
        }
    }

    private static func apply(_ input: Input, to shipment: inout Shipment, db: Database) throws {
        if let customerID = input.customerId {
            guard
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM customers WHERE id = ? AND deleted_at IS NULL",
                    arguments: [customerID])
                    == 1
            else {
                throw APIError.validationFailed("No customer has id \(customerID).", field: "customer_id")
            }
            shipment.customerId = customerID
            shipment.partnerLab = ""
        }
        if let text = input.partnerLab {
            let partner = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !partner.isEmpty || input.customerId == nil && shipment.customerId == nil {
                shipment.partnerLab = partner
                if !partner.isEmpty { shipment.customerId = nil }
            }
        }
        guard shipment.customerId != nil || !shipment.partnerLab.isEmpty else {
            throw APIError.validationFailed(
                shipment.direction == .outbound
                    ? "Choose the customer or name the partner lab it goes to."
                    : "Choose the customer or name the partner lab it comes from.", field: "customer_id")
        }
        if let courier = input.courier { shipment.courier = courier.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let tracking = input.trackingNo {
            shipment.trackingNo = tracking.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let shipper = input.shipperId {
            shipment.shipperId = shipper.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let charged = input.chargedAt { shipment.chargedAt = try time(charged, field: "charged_at") }
        if let days = input.holdDays {
            guard (1...60).contains(days) else {
                throw APIError.validationFailed("A charge holds 1 to 60 days.", field: "hold_days")
            }
            shipment.holdDays = days
        }
        if let expected = input.expectedStraws {
            shipment.expectedStraws = try InputCheck.count(expected, field: "expected_straws")
        }
        if let notes = input.notes { shipment.notes = notes.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// An RFC 3339 time; nil when empty.
    static func time(_ text: String?, field: String) throws -> Date? {
        guard let text = FormText.text(text) else { return nil }
        guard let date = Timestamp.parse(text) else {
            throw APIError.validationFailed(
                "Give a date and time with its zone, e.g. 2026-03-01T09:30:00Z.", field: field)
        }
        return date
    }

    static func shipment(_ db: Database, id: Int64) throws -> Shipment {
        guard let shipment = try Shipment.fetchOne(db, key: id) else {
            throw APIError.notFound("No shipment has id \(id).")
        }
        return shipment
    }

    static func conflict(_ message: String, field: String) -> APIError {
        APIError(status: .conflict, code: "conflict", message: message, field: field)
    }

    /// Refuses a step that `shipment`'s direction or status does not allow, naming what it is.
    private static func require(
        _ shipment: Shipment, _ direction: Shipment.Direction?, in statuses: [Shipment.Status], to action: String
    ) throws {
        if let direction, shipment.direction != direction {
            throw conflict(
                "\(shipment.code) is \(shipment.direction.rawValue); it cannot be \(action).", field: "direction")
        }
        guard statuses.contains(shipment.status) else {
            throw conflict("\(shipment.code) is \(shipment.status.label); it cannot be \(action).", field: "status")
        }
    }

    // MARK: Outbound contents

    package struct ItemInput: Codable, Sendable {
        /// The straw's printed code, scanned or typed.
        package var code: String?
        package var canister: String?

        package init(code: String? = nil, canister: String? = nil) {
            self.code = code
            self.canister = canister
        }
    }

    /// Puts a stored straw on a draft outbound shipment. It stays in its position until packing.
    package func add(to id: Int64, _ input: ItemInput, context: EventContext) async throws -> ShipmentItem {
        let canister = try InputCheck.text(input.canister, field: "canister", limit: 40)
        let code = try Self.code(input.code)
        return try await database.write(context) { write in
            let shipment = try Self.shipment(write.db, id: id)
            try Self.require(shipment, .outbound, in: [.draft], to: "added to")
            guard let sample = try Sample.filter(Sample.CodingKeys.externalId == code).fetchOne(write.db) else {
                throw APIError.validationFailed("No straw is labelled \(code).", field: "code")
            }
            guard sample.containerId != nil else {
                throw Self.conflict("\(code) is not in storage (\(sample.status.label.lowercased())).", field: "code")
            }
            if let other = try Self.openShipment(write.db, holding: sample.id ?? 0) {
                throw Self.conflict(
                    other == shipment.code ? "\(code) is on this shipment already." : "\(code) is on \(other) already.",
                    field: "code")
            }
            var item = ShipmentItem(
                shipmentId: id, sampleId: sample.id ?? 0, code: code, canister: canister, createdAt: Date())
            try write.insert(&item, action: "shipment.add")
            return item
        }
    }

    private static func code(_ text: String?) throws -> String {
        let code = try InputCheck.text(text, field: "code", limit: 64)
        guard !code.isEmpty else { throw APIError.validationFailed("Scan or type the straw's code.", field: "code") }
        return code
    }

    /// The code of the open outbound shipment a sample is on, if any. A straw that arrived on an
    /// inbound one is in storage like any other, free to go out again.
    private static func openShipment(_ db: Database, holding sampleID: Int64) throws -> String? {
        try String.fetchOne(
            db,
            sql: """
                SELECT s.code FROM shipment_items i JOIN shipments s ON s.id = i.shipment_id
                WHERE i.sample_id = ? AND s.direction = 'outbound' AND s.status NOT IN ('closed', 'cancelled')
                LIMIT 1
                """, arguments: [sampleID])
    }

    /// Takes a straw off a draft outbound shipment.
    package func remove(item itemID: Int64, context: EventContext) async throws -> ShipmentItem {
        try await database.write(context) { write in
            guard let item = try ShipmentItem.fetchOne(write.db, key: itemID) else {
                throw APIError.notFound("No shipment item has id \(itemID).")
            }
            try Self.require(try Self.shipment(write.db, id: item.shipmentId), .outbound, in: [.draft], to: "changed")
            try write.delete(item, action: "shipment.remove", reason: nil)
            return item
        }
    }

    /// Packs a draft outbound shipment: every straw is checked out of its position and marked
    /// shipped, all in one transaction. A straw that left storage since it was added refuses it
    /// and nothing changes.
    package func pack(id: Int64, context: EventContext) async throws -> Shipment {
        try await advance(id, to: .packed, action: "shipment.pack", context: context) { shipment, write in
            try Self.require(shipment, .outbound, in: [.draft], to: "packed")
            let items = try ShipmentItem.filter(ShipmentItem.CodingKeys.shipmentId == id).order(Column("id"))
                .fetchAll(write.db)
            guard !items.isEmpty else {
                throw APIError.validationFailed("Add the straws before packing.", field: "items")
            }
            let consignee = try Self.counterparty(write.db, of: shipment)
            for item in items {
                guard let sample = try Sample.fetchOne(write.db, key: item.sampleId), sample.containerId != nil else {
                    throw Self.conflict(
                        "\(item.code) is no longer in storage; take it off the shipment.", field: "items")
                }
                _ = try StorageStore.checkOut(
                    item.sampleId, reason: .shipment, note: "\(shipment.code) to \(consignee)", in: write)
            }
            return "\(items.count) straws checked out of storage"
        }
    }

    /// One step of a shipment's life in one audited write: `step` checks that the shipment may
    /// take it, does its work and says why; then the shipment is in `status`.
    private func advance(
        _ id: Int64, to status: Shipment.Status, action: String, context: EventContext,
        _ step: @escaping @Sendable (inout Shipment, AuditedWrite) throws -> String
    ) async throws -> Shipment {
        try await database.write(context) { write in
            let previous = try Self.shipment(write.db, id: id)
            var shipment = previous
            let reason = try step(&shipment, write)
            shipment.status = status
            shipment.updatedAt = Date()
            try write.update(shipment, from: previous, action: action, reason: reason)
            return shipment
        }
    }

    package struct HandOverInput: Codable, Sendable {
        package var handedOverAt: String?
        package var courier: String?
        package var trackingNo: String?

        package enum CodingKeys: String, CodingKey {
            case courier
            case handedOverAt = "handed_over_at"
            case trackingNo = "tracking_no"
        }

        package init(handedOverAt: String? = nil, courier: String? = nil, trackingNo: String? = nil) {
            self.handedOverAt = handedOverAt
            self.courier = courier
            self.trackingNo = trackingNo
        }
    }

    /// The packed shipper goes to the courier (now, unless a time is given).
    package func handOver(id: Int64, _ input: HandOverInput, context: EventContext) async throws -> Shipment {
        try Self.bounded(.init(courier: input.courier, trackingNo: input.trackingNo))
        let at = try Self.time(input.handedOverAt, field: "handed_over_at") ?? Date()
        return try await advance(id, to: .handedOver, action: "shipment.hand_over", context: context) {
            shipment, write in
            try Self.require(shipment, .outbound, in: [.packed], to: "handed over")
            try Self.apply(.init(courier: input.courier, trackingNo: input.trackingNo), to: &shipment, db: write.db)
            shipment.handedOverAt = at
            return "handed to \(shipment.courier.isEmpty ? "the courier" : shipment.courier)"
        }
    }

    package struct ReceiveInput: Codable, Sendable {
        package var receivedAt: String?
        package var discrepancies: String?

        package enum CodingKeys: String, CodingKey {
            case discrepancies
            case receivedAt = "received_at"
        }

        package init(receivedAt: String? = nil, discrepancies: String? = nil) {
            self.receivedAt = receivedAt
            self.discrepancies = discrepancies
        }
    }

    /// The shipment arrived: an outbound one at its consignee (as they report it, with what they
    /// found missing or damaged), an inbound one here.
    package func receive(id: Int64, _ input: ReceiveInput, context: EventContext) async throws -> Shipment {
        let at = try Self.time(input.receivedAt, field: "received_at") ?? Date()
        let discrepancies = try InputCheck.text(input.discrepancies, field: "discrepancies", limit: 2000)
        return try await advance(id, to: .received, action: "shipment.receive", context: context) { shipment, _ in
            try Self.require(
                shipment, nil, in: shipment.direction == .outbound ? [.handedOver] : [.draft], to: "received")
            shipment.receivedAt = at
            shipment.discrepancies = discrepancies
            return discrepancies.isEmpty ? "received complete" : "received with discrepancies"
        }
    }

    /// The empty dry shipper came back (outbound) or went back to its sender (inbound): the
    /// shipment is closed.
    package func returnShipper(id: Int64, at text: String?, context: EventContext) async throws -> Shipment {
        let at = try Self.time(text, field: "returned_at") ?? Date()
        return try await advance(id, to: .closed, action: "shipment.shipper_return", context: context) {
            shipment, _ in
            try Self.require(shipment, nil, in: [.received], to: "closed")
            guard !shipment.shipperId.isEmpty else {
                throw APIError.validationFailed(
                    "No dry shipper is recorded on \(shipment.code); enter its id first.", field: "shipper_id")
            }
            shipment.shipperReturnedAt = at
            return "dry shipper \(shipment.shipperId) returned"
        }
    }

    /// Cancels a draft; its straws never left their positions. The reason is required.
    package func cancel(id: Int64, reason: String?, context: EventContext) async throws -> Shipment {
        guard let reason = FormText.text(reason) else { throw AuditPolicy.missingReason }
        try InputCheck.length(reason, field: "reason", limit: 2000)
        return try await advance(id, to: .cancelled, action: "shipment.cancel", context: context) { shipment, write in
            try Self.require(shipment, nil, in: [.draft], to: "cancelled")
            guard
                try shipment.direction == .outbound
                    || ShipmentItem.filter(ShipmentItem.CodingKeys.shipmentId == id).fetchCount(write.db) == 0
            else {
                throw Self.conflict(
                    "Straws were checked in from \(shipment.code); it cannot be cancelled.", field: "status")
            }
            return reason
        }
    }

    // MARK: Inbound check-in

    package struct CheckInInput: Codable, Sendable {
        /// The sender's printed code, kept as the new straw's external id.
        package var code: String?
        package var kind: String?
        package var species: String?
        package var animalId: Int64?
        package var containerId: Int64?
        package var position: Int?
        package var canister: String?
        package var notes: String?

        package enum CodingKeys: String, CodingKey {
            case code, kind, species, position, canister, notes
            case animalId = "animal_id"
            case containerId = "container_id"
        }

        package init(
            code: String? = nil, kind: String? = nil, species: String? = nil, animalId: Int64? = nil,
            containerId: Int64? = nil, position: Int? = nil, canister: String? = nil, notes: String? = nil
        ) {
            self.code = code
            self.kind = kind
            self.species = species
            self.animalId = animalId
            self.containerId = containerId
            self.position = position
            self.canister = canister
            self.notes = notes
        }
    }

    /// Checks an arriving straw in: a new sample labelled with the sender's code, placed at the
    /// position (or the first free one in or below the container), in one transaction.
    package func checkIn(to id: Int64, _ input: CheckInInput, context: EventContext) async throws -> Sample {
        let canister = try InputCheck.text(input.canister, field: "canister", limit: 40)
        let notes = try InputCheck.text(input.notes, field: "notes", limit: 2000)
        try InputCheck.length(input.species ?? "", field: "species", limit: 40)
        let code = try Self.code(input.code)
        guard let kind = input.kind, ["semen", "embryo"].contains(kind), sampleKinds.contains(kind) else {
            throw APIError.validationFailed("The straw holds semen or an embryo.", field: "kind")
        }
        guard let species = input.species, self.species.contains(species) else {
            throw APIError.validationFailed(
                "The species is one of \(self.species.joined(separator: ", ")).", field: "species")
        }
        guard let containerID = input.containerId else {
            throw APIError.validationFailed("Choose where the straw goes (a goblet or cane).", field: "container_id")
        }
        return try await database.write(context) { write in
            let shipment = try Self.shipment(write.db, id: id)
            try Self.require(shipment, .inbound, in: [.draft, .received], to: "checked in")
            if let animalID = input.animalId {
                guard
                    try Int.fetchOne(write.db, sql: "SELECT count(*) FROM animals WHERE id = ?", arguments: [animalID])
                        == 1
                else { throw APIError.validationFailed("No animal has id \(animalID).", field: "animal_id") }
            }
            guard try !SampleStore.externalIdTaken(code, db: write.db) else {
                throw Self.conflict("A sample is labelled \(code) already.", field: "code")
            }
            var slot = (containerID, input.position ?? 0)
            if input.position == nil {
                guard let free = try StorageStore.freeSlots(write.db, in: containerID, count: 1).first else {
                    throw APIError.validationFailed("No free position is left there.", field: "container_id")
                }
                slot = (free.containerId, free.position)
            }
            let sender = try Self.counterparty(write.db, of: shipment)
            let now = Date()
            var straw = Sample(
                externalId: code, species: species, kind: kind, status: .received, animalId: input.animalId,
                collectedAt: now,
                notes: ["From \(sender), \(shipment.code).", notes].filter { !$0.isEmpty }
                    .joined(separator: " "), createdAt: now, updatedAt: now)
            straw.quantity = 1
            straw.unit = kind == "embryo" ? "embryos" : "straws"
            straw.doses = kind == "semen" ? 1 : nil
            try write.insert(&straw, action: "shipment.check_in", reason: "arrived on \(shipment.code) from \(sender)")
            straw = try StorageStore.place(
                straw.id ?? 0, at: slot.0, position: slot.1, reason: nil, moving: false, in: write)
            var item = ShipmentItem(
                shipmentId: id, sampleId: straw.id ?? 0, code: code, canister: canister, createdAt: now)
            try write.insert(&item, action: "shipment.add")
            return straw
        }
    }

    package init(database: AppDatabase, species: [String], sampleKinds: [String]) {
        self.database = database
        self.species = species
        self.sampleKinds = sampleKinds
    }
}
