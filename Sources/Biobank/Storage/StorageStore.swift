import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The container tree, occupancy, and every movement of an item. Every write is audited; the
/// unique index on (container, position) makes a double booking impossible even under races.
package struct StorageStore: Sendable {
    package let database: AppDatabase

    package struct ContainerInput: Decodable, Sendable {
        package var parentId: Int64?
        package var kind: StorageContainer.Kind?
        package var name: String?
        package var rows: Int?
        package var columns: Int?
        package var notes: String?
        package var reason: String?

        package enum CodingKeys: String, CodingKey {
            case kind, name, rows, columns, notes, reason
            case parentId = "parent_id"
        }
    }

    package func createContainer(_ input: ContainerInput, context: EventContext) async throws -> StorageContainer {
        guard let kind = input.kind else {
            throw APIError.validationFailed("The field 'kind' is required.", field: "kind")
        }
        let name = (input.name ?? "").trimmingCharacters(in: .whitespaces)
        guard (1...60).contains(name.count) else {
            throw APIError.validationFailed("Name it (1 to 60 characters).", field: "name")
        }
        try InputCheck.length(input.notes ?? "", field: "notes", limit: 2000)
        let (rows, columns) =
            kind.holdsItems ? (kind == .box ? input.rows ?? 0 : 1, input.columns ?? 0) : (0, 0)
        guard !kind.holdsItems || (1...100).contains(rows) && (1...100).contains(columns) else {
            throw APIError.validationFailed(
                kind == .box ? "A box needs 1–100 rows and columns." : "Give the number of slots (1–100).",
                field: kind == .box && !(1...100).contains(rows) ? "rows" : "columns")
        }
        return try await database.write(context) { write in
            var parentKind: StorageContainer.Kind?
            if let parentID = input.parentId {
                guard let parent = try StorageContainer.fetchOne(write.db, key: parentID) else {
                    throw APIError.validationFailed("No container has id \(parentID).", field: "parent_id")
                }
                parentKind = parent.kind
            }
            guard kind.parents.contains(parentKind) else {
                let allowed = kind.parents.map { $0?.rawValue ?? "nothing (top level)" }.joined(separator: ", ")
                throw APIError.validationFailed("A \(kind.rawValue) goes in \(allowed).", field: "parent_id")
            }
            let now = Date()
            var container = StorageContainer(
                id: nil, parentId: input.parentId, kind: kind, name: name, rows: rows, columns: columns,
                notes: input.notes ?? "", createdAt: now, updatedAt: now)
            do {
                try write.insert(&container)
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw APIError(
                    status: .conflict, code: "conflict", message: "This place already has a container named \(name).",
                    field: "name")
            }
            return container
        }
    }

    package func container(id: Int64) async throws -> StorageContainer? {
        try await database.read { try StorageContainer.fetchOne($0, key: id) }
    }

    /// Containers at the top (`parentID` nil) or inside one, by name.
    package func children(of parentID: Int64?) async throws -> [StorageContainer] {
        try await database.read { db in
            try StorageContainer.filter(StorageContainer.CodingKeys.parentId == parentID)
                .order(StorageContainer.CodingKeys.name).fetchAll(db)
        }
    }

    /// The containers from the top down to `id`, for addresses like `Tank 3 / C2 / G1`.
    package static func path(_ db: Database, to id: Int64) throws -> [StorageContainer] {
        var path: [StorageContainer] = []
        var next: Int64? = id
        while let current = next, let container = try StorageContainer.fetchOne(db, key: current), path.count < 10 {
            path.insert(container, at: 0)
            next = container.parentId
        }
        return path
    }

    /// A storage container with free positions, as a form's choice.
    package struct ContainerChoice: Sendable {
        package let id: Int64
        package let address: String
        package let free: Int
    }

    /// Where straws can go: goblets, canes and boxes with free positions, by address. Their
    /// counts are `container_stock`'s (a container with positions holds no other container, so its
    /// subtree is itself), not a count of the samples in every container.
    package static func containerChoices(_ db: Database) throws -> [ContainerChoice] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT c.id, k.capacity - k.items AS free
                FROM storage_containers c JOIN container_stock k ON k.container_id = c.id
                WHERE c.rows * c.columns > 0 AND k.capacity > k.items ORDER BY c.id LIMIT 300
                """)
        return try rows.map { row in
            let id: Int64 = row["id"]
            return ContainerChoice(
                id: id, address: try address(db, container: id, position: nil), free: row["free"])
        }
    }

    package static func address(_ db: Database, container id: Int64, position: Int?) throws -> String {
        try path(db, to: id).map(\.name).joined(separator: " / ") + (position.map { " / \($0)" } ?? "")
    }

    // MARK: Occupancy

    package struct Cell: Encodable, Sendable {
        package let position: Int
        package let sampleId: Int64?
        package let externalId: String?
        package let kind: String?
        package let species: String?
        package let status: String?
        /// The customer who owns the source animal.
        package let ownerId: Int64?

        package enum CodingKeys: String, CodingKey {
            case position, kind, species, status
            case sampleId = "sample_id"
            case externalId = "external_id"
            case ownerId = "owner_id"
        }
    }

    /// Every position of a holding container with what sits there.
    package func map(of container: StorageContainer) async throws -> [Cell] {
        let id = container.id ?? 0
        let items = try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.id, s.position, s.external_id, s.kind, s.species, s.status, a.owner_id
                    FROM samples s LEFT JOIN animals a ON a.id = s.animal_id WHERE s.container_id = ?
                    """, arguments: [id]
            ).map { row in
                Cell(
                    position: row["position"], sampleId: row["id"], externalId: row["external_id"], kind: row["kind"],
                    species: row["species"], status: row["status"], ownerId: row["owner_id"])
            }
        }
        let byPosition = Dictionary(items.map { ($0.position, $0) }) { first, _ in first }
        guard container.capacity > 0 else { return [] }
        return (1...container.capacity).map { position in
            byPosition[position]
                ?? Cell(
                    position: position, sampleId: nil, externalId: nil, kind: nil, species: nil, status: nil,
                    ownerId: nil)
        }
    }

    package struct Usage: Encodable, Sendable {
        package let used: Int
        package let capacity: Int
    }

    /// Occupied and total positions in each of `ids` and everything below it, as the triggers of
    /// migration 0034 keep them in `container_stock` (a tank's count is one row, not its samples).
    package func usage(of ids: [Int64]) async throws -> [Int64: Usage] {
        try await database.read { db in
            var usage: [Int64: Usage] = [:]
            for row in try SQLRequest<Row>(
                literal: "SELECT container_id, items, capacity FROM container_stock WHERE container_id IN \(ids)"
            ).fetchAll(db) {
                usage[row["container_id"]] = Usage(used: row["items"], capacity: row["capacity"])
            }
            return usage
        }
    }

    package func usage(of id: Int64) async throws -> Usage {
        try await usage(of: [id])[id] ?? Usage(used: 0, capacity: 0)
    }

    package struct Slot: Codable, Sendable, Equatable {
        package let containerId: Int64
        package let position: Int
        package let address: String

        package enum CodingKeys: String, CodingKey {
            case position, address
            case containerId = "container_id"
        }
    }

    /// The first `count` free positions in `id` or below it, container by container in name order.
    package func freeSlots(in id: Int64, count: Int) async throws -> [Slot] {
        try await database.read { db in try Self.freeSlots(db, in: id, count: count) }
    }

    /// ``freeSlots(in:count:)`` inside the caller's transaction, so a write can fill what it found.
    package static func freeSlots(_ db: Database, in id: Int64, count: Int) throws -> [Slot] {
        let holders = try StorageContainer.fetchAll(
            db,
            sql: """
                WITH RECURSIVE below(id, sort) AS (
                    SELECT id, name FROM storage_containers WHERE id = :id
                    UNION ALL SELECT c.id, below.sort || '/' || c.name
                    FROM storage_containers c JOIN below ON c.parent_id = below.id)
                SELECT storage_containers.* FROM storage_containers JOIN below USING (id)
                WHERE rows * columns > 0 ORDER BY below.sort
                """, arguments: ["id": id])
        var slots: [Slot] = []
        for holder in holders where slots.count < count {
            let taken = Set(
                try Int.fetchAll(db, sql: "SELECT position FROM samples WHERE container_id = ?", arguments: [holder.id])
            )
            let address = try address(db, container: holder.id ?? 0, position: nil)
            for position in 1...holder.capacity where !taken.contains(position) && slots.count < count {
                slots.append(Slot(containerId: holder.id ?? 0, position: position, address: "\(address) / \(position)"))
            }
        }
        return slots
    }

    // MARK: Movements

    package enum CheckOutReason: String, Codable, Sendable, CaseIterable {
        case shipment
        case thaw
        case transfer

        package var label: String {
            switch self {
            case .shipment: "shipment"
            case .thaw: "thawed for use"
            case .transfer: "transfer to another site"
            }
        }
    }

    /// Puts a sample at a free position: a check-in when it had none, else a move (which needs a
    /// reason, as every change of a regulated record does).
    package static func place(
        _ sampleID: Int64, at containerID: Int64, position: Int, reason: String?, moving: Bool, in write: AuditedWrite
    ) throws -> Sample {
        guard let previous = try Sample.fetchOne(write.db, key: sampleID) else {
            throw APIError.validationFailed("No sample has id \(sampleID).", field: "sample_id")
        }
        guard moving == (previous.containerId != nil) else {
            throw APIError.validationFailed(
                moving ? "The sample is not in storage; check it in." : "The sample is already stored; move it.",
                field: "sample_id")
        }
        guard previous.status.next.contains(.stored) || previous.status == .stored else {
            throw APIError.validationFailed(
                "A \(previous.status.rawValue) sample cannot be stored.", field: "sample_id")
        }
        guard let container = try StorageContainer.fetchOne(write.db, key: containerID) else {
            throw APIError.validationFailed("No container has id \(containerID).", field: "container_id")
        }
        guard container.kind.holdsItems else {
            throw APIError.validationFailed(
                "A \(container.kind.rawValue) holds containers, not items; choose a goblet, cane or box.",
                field: "container_id")
        }
        guard (1...container.capacity).contains(position) else {
            throw APIError.validationFailed(
                "\(container.name) has positions 1 to \(container.capacity).", field: "position")
        }
        if previous.containerId == containerID && previous.position == position { return previous }
        var sample = previous
        sample.containerId = containerID
        sample.position = position
        sample.status = .stored
        sample.updatedAt = Date()
        let address = try address(write.db, container: containerID, position: position)
        let isMove = previous.containerId != nil
        do {
            try write.update(
                sample, from: previous, action: isMove ? "storage.move" : "storage.check_in",
                reason: isMove ? reason : reason ?? "checked in to \(address)")
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw APIError(status: .conflict, code: "conflict", message: "\(address) is taken.", field: "position")
        }
        return sample
    }

    package func place(_ placement: Placement, reason: String?, moving: Bool, context: EventContext) async throws
        -> Sample
    {
        try await database.write(context) { write in
            try Self.place(
                placement.sampleId, at: placement.containerId, position: placement.position, reason: reason,
                moving: moving, in: write)
        }
    }

    package struct Placement: Codable, Sendable {
        package var sampleId: Int64
        package var containerId: Int64
        package var position: Int

        package enum CodingKeys: String, CodingKey {
            case position
            case sampleId = "sample_id"
            case containerId = "container_id"
        }
    }

    /// Moves many stored items in one transaction with one reason: all of them, or none.
    package func moveAll(_ placements: [Placement], reason: String?, context: EventContext) async throws -> BulkOutcome
    {
        let targets = Dictionary(placements.map { ($0.sampleId, $0) }) { first, _ in first }
        return try await database.bulk(placements.map(\.sampleId), context: context) { id, write in
            guard let placement = targets[id] else { return }
            _ = try Self.place(
                id, at: placement.containerId, position: placement.position, reason: reason, moving: true, in: write)
        }
    }

    /// Puts the samples `ids` into the first free positions in or below `container`, in order: a
    /// check-in for those not stored yet, a move for the others; all, or none.
    package func placeAll(_ ids: [Int64], in container: Int64, reason: String?, context: EventContext) async throws
        -> BulkOutcome
    {
        let slots = try await freeSlots(in: container, count: ids.count)
        guard slots.count == ids.count else {
            throw APIError.validationFailed(
                "Only \(slots.count) free positions are left there for \(ids.count) samples.", field: "container_id")
        }
        let targets = Dictionary(zip(ids, slots)) { first, _ in first }
        return try await database.bulk(ids, context: context) { id, write in
            guard let slot = targets[id], let sample = try Sample.fetchOne(write.db, key: id) else {
                throw APIError.validationFailed("No sample has id \(id).", field: "sample_id")
            }
            _ = try Self.place(
                id, at: slot.containerId, position: slot.position, reason: reason, moving: sample.containerId != nil,
                in: write)
        }
    }

    /// Takes a sample out of the store: shipped, thawed for use (back into processing) or moved to
    /// another site.
    package func checkOut(_ sampleID: Int64, reason: CheckOutReason, note: String?, context: EventContext) async throws
        -> Sample
    {
        try await database.write(context) { write in
            try Self.checkOut(sampleID, reason: reason, note: note, in: write)
        }
    }

    /// ``checkOut(_:reason:note:context:)`` inside the caller's transaction.
    package static func checkOut(_ sampleID: Int64, reason: CheckOutReason, note: String?, in write: AuditedWrite)
        throws
        -> Sample
    {
        guard let previous = try Sample.fetchOne(write.db, key: sampleID) else {
            throw APIError.notFound("No sample has id \(sampleID).")
        }
        guard let containerID = previous.containerId else {
            throw APIError.validationFailed("\(previous.externalId) is not in storage.", field: "sample_id")
        }
        let address = try address(write.db, container: containerID, position: previous.position)
        var sample = previous
        sample.containerId = nil
        sample.position = nil
        sample.status = reason == .thaw ? .inProcess : .shipped
        sample.updatedAt = Date()
        let why = "\(reason.label) from \(address)" + (note.map { $0.isEmpty ? "" : ": \($0)" } ?? "")
        try write.update(sample, from: previous, action: "storage.check_out", reason: why)
        return sample
    }

    // MARK: Tank fills

    package struct FillInput: Decodable, Sendable {
        package var levelBeforeCm: Double?
        package var levelAfterCm: Double?
        package var litres: Double?
        package var notes: String?

        package enum CodingKeys: String, CodingKey {
            case litres, notes
            case levelBeforeCm = "level_before_cm"
            case levelAfterCm = "level_after_cm"
        }
    }

    package func recordFill(tank id: Int64, _ input: FillInput, by user: Principal?, context: EventContext) async throws
        -> TankFill
    {
        for (value, field) in [
            (input.levelBeforeCm, "level_before_cm"), (input.levelAfterCm, "level_after_cm"), (input.litres, "litres"),
        ] {
            if let value, !(0...1000).contains(value) {
                throw APIError.validationFailed("Give a value from 0 to 1000.", field: field)
            }
        }
        guard input.levelAfterCm != nil || input.litres != nil else {
            throw APIError.validationFailed(
                "Give the level after filling or the litres filled.", field: "level_after_cm")
        }
        try InputCheck.length(input.notes ?? "", field: "notes", limit: 2000)
        return try await database.write(context) { write in
            guard let tank = try StorageContainer.fetchOne(write.db, key: id), tank.kind == .tank else {
                throw APIError.notFound("No tank has id \(id).")
            }
            var fill = TankFill(
                id: nil, containerId: id, filledAt: Date(), levelBeforeCm: input.levelBeforeCm,
                levelAfterCm: input.levelAfterCm, litres: input.litres, userId: user?.userID,
                byName: user?.displayName ?? context.actorName, notes: input.notes ?? "")
            try write.insert(&fill, action: "storage.fill")
            return fill
        }
    }

    package func fills(tank id: Int64, limit: Int = 50) async throws -> [TankFill] {
        try await database.read { db in
            try TankFill.filter(TankFill.CodingKeys.containerId == id).order(TankFill.CodingKeys.filledAt.desc)
                .limit(limit).fetchAll(db)
        }
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}
