import Animals
import Biobank
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Semen collections, their evaluation, and processing into straws in the cryo-store.
package struct SemenStore: Sendable {
    package let database: AppDatabase
    package let sampleKinds: [String]
    /// Bovine batches below this post-thaw motility (%) are flagged (`reproduction.min_post_thaw_motility`).
    package let minPostThawMotility: Int

    package struct Input: Codable, Sendable {
        package var sireId: Int64?
        package var collectedOn: String?
        package var volumeMl: Double?
        package var concentration: Double?
        package var totalMotility: Int?
        package var progressiveMotility: Int?
        package var normalMorphology: Int?
        package var postThawMotility: Int?
        package var technician: String?
        package var notes: String?

        package enum CodingKeys: String, CodingKey {
            case concentration, technician, notes
            case sireId = "sire_id"
            case collectedOn = "collected_on"
            case volumeMl = "volume_ml"
            case totalMotility = "total_motility"
            case progressiveMotility = "progressive_motility"
            case normalMorphology = "normal_morphology"
            case postThawMotility = "post_thaw_motility"
        }
    }

    package func create(_ input: Input, context: EventContext) async throws -> SemenCollection {
        try await database.write(context) { write in
            let sire = try Breeding.animal(write.db, input.sireId, field: "sire_id", sex: .male)
            let now = Date()
            var collection = SemenCollection(
                id: nil, sireId: sire.id ?? 0,
                collectedOn: try Day.past(input.collectedOn, field: "collected_on", label: "collection date"),
                technician: try InputCheck.text(
                    input.technician, field: "technician", fallback: write.context.actorName),
                createdAt: now, updatedAt: now)
            for (value, field) in [(input.volumeMl, "volume_ml"), (input.concentration, "concentration")] {
                if let value, !(value.isFinite && value >= 0 && value < 100_000) {
                    throw APIError.validationFailed("Give a positive number.", field: field)
                }
            }
            collection.volumeMl = input.volumeMl
            collection.concentration = input.concentration
            collection.totalMotility = try InputCheck.percent(input.totalMotility, field: "total_motility")
            collection.progressiveMotility = try InputCheck.percent(
                input.progressiveMotility, field: "progressive_motility")
            collection.normalMorphology = try InputCheck.percent(input.normalMorphology, field: "normal_morphology")
            collection.postThawMotility = try InputCheck.percent(input.postThawMotility, field: "post_thaw_motility")
            if let total = collection.totalMotility, let progressive = collection.progressiveMotility,
                progressive > total
            {
                throw APIError.validationFailed(
                    "Progressive motility cannot exceed total motility.", field: "progressive_motility")
            }
            collection.notes = try InputCheck.text(input.notes, field: "notes", limit: 2000)
            try write.insert(&collection)
            return collection
        }
    }

    package struct ProcessInput: Codable, Sendable {
        package var straws: Int?
        package var dosesPerStraw: Double?
        package var strawSize: String?
        package var extender: String?
        package var containerId: Int64?

        package enum CodingKeys: String, CodingKey {
            case straws, extender
            case dosesPerStraw = "doses_per_straw"
            case strawSize = "straw_size"
            case containerId = "container_id"
        }
    }

    /// Fills the collection into `straws` straws: each a semen sample checked in at the next free
    /// position in or below the container, labelled `<sire>-<date>-<n>`. All or nothing.
    package func process(id: Int64, _ input: ProcessInput, context: EventContext) async throws -> [Sample] {
        guard sampleKinds.contains("semen") else {
            throw APIError.validationFailed(
                "The sample kind 'semen' is not enabled (lab.sample_kinds).", field: "straws")
        }
        guard let count = input.straws, (1...2000).contains(count) else {
            throw APIError.validationFailed("Give the number of straws, 1 to 2000.", field: "straws")
        }
        guard let doses = input.dosesPerStraw, doses > 0, doses < 10_000 else {
            throw APIError.validationFailed("Give the sperm per straw in millions, e.g. 20.", field: "doses_per_straw")
        }
        let size = input.strawSize ?? "0.25"
        guard ["0.25", "0.5"].contains(size) else {
            throw APIError.validationFailed("Straws are 0.25 or 0.5 mL.", field: "straw_size")
        }
        guard let containerID = input.containerId else {
            throw APIError.validationFailed("Choose where the straws go.", field: "container_id")
        }
        return try await database.write(context) { write in
            guard let previous = try SemenCollection.fetchOne(write.db, key: id) else {
                throw APIError.notFound("No semen collection has id \(id).")
            }
            guard previous.straws == 0 else {
                throw APIError.validationFailed(
                    "This collection was processed into \(previous.straws) straws already.", field: "straws")
            }
            if let total = previous.totalSperm, Double(count) * doses > total {
                throw APIError.validationFailed(
                    "\(count) straws × \(doses) million is more than the \(Int(total)) million sperm collected.",
                    field: "straws")
            }
            let slots = try StorageStore.freeSlots(write.db, in: containerID, count: count)
            guard slots.count == count else {
                throw APIError.validationFailed(
                    "Only \(slots.count) free positions are left there for \(count) straws.", field: "container_id")
            }
            let sire = try Animal.fetchOne(write.db, key: previous.sireId)
            let label =
                "\((sire?.name ?? "S").filter { $0.isLetter || $0.isNumber }.prefix(12).uppercased())"
                + "-\(previous.collectedOn.replacingOccurrences(of: "-", with: ""))-C\(id)"
            let now = Date()
            var straws: [Sample] = []
            for (index, slot) in slots.enumerated() {
                var straw = Sample(
                    id: nil, externalId: "\(label)-\(index + 1)", species: sire?.species ?? "bovine", kind: "semen",
                    status: .received, animalId: previous.sireId, collectedAt: Day.date(previous.collectedOn) ?? now,
                    notes: "\(size) mL straw, \(doses.formatted()) ×10⁶ sperm, \(input.extender ?? "")",
                    createdAt: now, updatedAt: now)
                straw.quantity = 1
                straw.unit = "straws"
                straw.doses = 1
                straw.collectedBy = previous.technician
                guard try !SampleStore.externalIdTaken(straw.externalId, db: write.db) else {
                    throw APIError(
                        status: .conflict, code: "conflict", message: "\(straw.externalId) exists already.",
                        field: "straws")
                }
                try write.insert(&straw, action: "semen.straw")
                try write.db.execute(
                    sql: "INSERT INTO semen_straws (sample_id, collection_id) VALUES (?, ?)", arguments: [straw.id, id])
                straws.append(
                    try StorageStore.place(
                        straw.id ?? 0, at: slot.containerId, position: slot.position, reason: nil, moving: false,
                        in: write))
            }
            var collection = previous
            collection.straws = count
            collection.dosesPerStraw = doses
            collection.strawSize = size
            collection.extender = try InputCheck.text(input.extender, field: "extender")
            collection.updatedAt = now
            try write.update(collection, from: previous, action: "semen.process", reason: "filled into \(count) straws")
            return straws
        }
    }

    package func collection(id: Int64) async throws -> (SemenCollection, [Sample])? {
        try await database.read { db in
            guard let collection = try SemenCollection.fetchOne(db, key: id) else { return nil }
            let straws = try Sample.fetchAll(
                db,
                sql:
                    "SELECT \(Sample.selection(of: "s")) FROM samples s JOIN semen_straws l ON l.sample_id = s.id WHERE l.collection_id = ? ORDER BY s.id",
                arguments: [id])
            return (collection, straws)
        }
    }

    /// Semen collections, the latest collection day first, one page.
    package func collections(after: KeysetPosition?, limit: Int) async throws
        -> (items: [SemenCollection], next: KeysetPosition?)
    {
        try await database.read { db in
            try SemenCollection.all().page(
                db, order: ListOrder(column: "collected_on", descending: true), after: after, limit: limit)
        }
    }

    /// The animal a collection is from.
    package static func sire(_ db: Database, of collection: SemenCollection) throws -> Animal? {
        try Animal.fetchOne(db, key: collection.sireId)
    }

    /// Whether the post-thaw motility is below the acceptance threshold (bovine only).
    package func belowThreshold(_ collection: SemenCollection, species: String) -> Bool {
        guard species == "bovine", let motility = collection.postThawMotility else { return false }
        return motility < minPostThawMotility
    }
}
