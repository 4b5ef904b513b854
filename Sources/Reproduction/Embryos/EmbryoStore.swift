import Animals
import Biobank
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxValues

/// Embryo grading and fates: regrading, freezing into a straw in the cryo-store, discarding.
package struct EmbryoStore: Sendable {
    package let database: AppDatabase
    package let settings: ReproductionSettings
    package let sampleKinds: [String]

    package struct Grade: Codable, Sendable {
        package var stage: Int?
        package var grade: Int?

        package init(stage: Int? = nil, grade: Int? = nil) {
            self.stage = stage
            self.grade = grade
        }
    }

    /// Embryos graded on one day: from a batch, or (without one) flushed from a donor in vivo.
    package struct GradingInput: Codable, Sendable {
        package var day: Int?
        package var embryos: [Grade]?
        package var donorId: Int64?
        package var sireId: Int64?

        package enum CodingKeys: String, CodingKey {
            case day, embryos
            case donorId = "donor_id"
            case sireId = "sire_id"
        }

        package init(day: Int? = nil, embryos: [Grade]? = nil, donorId: Int64? = nil, sireId: Int64? = nil) {
            self.day = day
            self.embryos = embryos
            self.donorId = donorId
            self.sireId = sireId
        }
    }

    package static func checked(_ grade: Grade, index: Int? = nil) throws -> (stage: Int, grade: Int) {
        let which = index.map { "Embryo \($0 + 1): " } ?? ""
        guard let stage = grade.stage, (1...9).contains(stage) else {
            throw APIError.validationFailed("\(which)the IETS stage code is 1 to 9.", field: "stage")
        }
        guard let quality = grade.grade, (1...4).contains(quality) else {
            throw APIError.validationFailed("\(which)the IETS quality grade is 1 to 4.", field: "grade")
        }
        return (stage, quality)
    }

    /// Records graded embryos of batch `batchID` (or in vivo, when nil): no more embryos than
    /// oocytes were inseminated.
    package func grade(batch batchID: Int64?, _ input: GradingInput, context: EventContext) async throws -> [Embryo] {
        guard let grades = input.embryos, !grades.isEmpty, grades.count <= 200 else {
            throw APIError.validationFailed("Grade 1 to 200 embryos at a time.", field: "embryos")
        }
        guard let day = input.day, (1...9).contains(day) else {
            throw APIError.validationFailed("Give the embryos' day, 1 to 9.", field: "day")
        }
        let checked = try grades.enumerated().map { try Self.checked($1, index: $0) }
        return try await database.write(context) { write in
            let db = write.db
            let origin: Embryo.Origin
            let donor: Animal
            let sire: Animal
            let prefix: String
            var existing = 0
            if let batchID {
                guard let report = try ReproductionStore.report(db, id: batchID) else {
                    throw APIError.notFound("No batch has id \(batchID).")
                }
                existing = report.embryos.count
                guard existing + checked.count <= report.inseminated else {
                    throw APIError.validationFailed(
                        "The batch had \(report.inseminated) oocytes and has \(existing) embryos already; "
                            + "\(checked.count) more is too many.", field: "embryos")
                }
                origin = .ivp
                donor = try Breeding.animal(db, report.batch.donorId, field: "donor_id")
                sire = try Breeding.animal(db, report.batch.sireId, field: "sire_id")
                prefix = report.batch.code
            } else {
                origin = .inVivo
                donor = try Breeding.animal(db, input.donorId, field: "donor_id", sex: .female)
                sire = try Breeding.animal(db, input.sireId, field: "sire_id", sex: .male)
                guard donor.species == sire.species else {
                    throw APIError.validationFailed("Donor and sire must be of one species.", field: "sire_id")
                }
                prefix = "FL-\(Day.today.replacingOccurrences(of: "-", with: ""))-\(donor.id ?? 0)"
                existing = try Embryo.filter(Embryo.CodingKeys.code.like("\(prefix)-%")).fetchCount(db)
            }
            return try Self.insert(
                checked, day: day, origin: origin, batch: batchID, flush: nil, donor: donor, sire: sire,
                codes: (prefix, existing), in: write)
        }
    }

    /// Writes graded embryos of a batch or a flush, coded `<prefix>-E01`… after the `existing`
    /// ones, each with its audit event.
    package static func insert(
        _ checked: [(stage: Int, grade: Int)], day: Int, origin: Embryo.Origin, batch batchID: Int64?,
        flush flushID: Int64?, donor: Animal, sire: Animal, codes: (prefix: String, existing: Int),
        in write: AuditedWrite
    ) throws -> [Embryo] {
        let now = Date()
        var created: [Embryo] = []
        for (offset, grade) in checked.enumerated() {
            var embryo = Embryo(
                id: nil, code: String(format: "%@-E%02d", codes.prefix, codes.existing + offset + 1), origin: origin,
                batchId: batchID, flushId: flushID, donorId: donor.id ?? 0, sireId: sire.id ?? 0,
                species: donor.species, day: day, stage: grade.stage, grade: grade.grade,
                gradedBy: write.context.actorName, createdAt: now, updatedAt: now)
            try write.insert(&embryo, action: "embryo.grade")
            created.append(embryo)
        }
        return created
    }

    package struct RegradeInput: Codable, Sendable {
        package var day: Int?
        package var stage: Int?
        package var grade: Int?
        package var reason: String?
    }

    /// A new grading of an embryo still in culture; embryos are regulated records, so it needs a reason.
    package func regrade(id: Int64, _ input: RegradeInput, context: EventContext) async throws -> Embryo {
        try await database.write(context) { write in
            let previous = try Self.embryo(write.db, id: id)
            guard previous.fate == .inCulture else {
                throw APIError.validationFailed(
                    "Only an embryo in culture can be regraded; this one is \(previous.fate.label).", field: "grade")
            }
            let checked = try Self.checked(
                Grade(stage: input.stage ?? previous.stage, grade: input.grade ?? previous.grade))
            var embryo = previous
            embryo.stage = checked.stage
            embryo.grade = checked.grade
            if let day = input.day {
                guard (1...9).contains(day) else { throw APIError.validationFailed("The day is 1 to 9.", field: "day") }
                embryo.day = day
            }
            embryo.gradedBy = write.context.actorName
            embryo.updatedAt = Date()
            try write.update(embryo, from: previous, action: "embryo.regrade", reason: input.reason)
            return embryo
        }
    }

    package static func embryo(_ db: Database, id: Int64) throws -> Embryo {
        guard let embryo = try Embryo.fetchOne(db, key: id) else { throw APIError.notFound("No embryo has id \(id).") }
        return embryo
    }

    /// The straw an embryo was frozen into, if it was.
    package static func straw(_ db: Database, of embryo: Embryo) throws -> Sample? {
        try embryo.sampleId.flatMap { try Sample.fetchOne(db, key: $0) }
    }

    package struct FreezeInput: Codable, Sendable {
        package var containerId: Int64?
        package var position: Int?
        /// Vitrified (the usual for IVP embryos) or slow-frozen.
        package var method: String?

        package enum CodingKeys: String, CodingKey {
            case position, method
            case containerId = "container_id"
        }

        package init(containerId: Int64? = nil, position: Int? = nil, method: String? = nil) {
            self.containerId = containerId
            self.position = position
            self.method = method
        }
    }

    /// Freezes an embryo into a straw: a new `embryo` sample checked in at `position` of the
    /// container (or its first free position), all in one transaction.
    package func freeze(id: Int64, _ input: FreezeInput, context: EventContext) async throws -> (Embryo, Sample) {
        guard sampleKinds.contains("embryo") else {
            throw APIError.validationFailed(
                "The sample kind 'embryo' is not enabled (lab.sample_kinds).", field: "method")
        }
        let method = input.method ?? "vitrified"
        guard ["vitrified", "slow_frozen"].contains(method) else {
            throw APIError.validationFailed("The method is vitrified or slow_frozen.", field: "method")
        }
        guard let containerID = input.containerId else {
            throw APIError.validationFailed("Choose where the straw goes (a goblet or cane).", field: "container_id")
        }
        return try await database.write(context) { write in
            let previous = try Self.embryo(write.db, id: id)
            guard previous.fate == .inCulture else {
                throw APIError.validationFailed(
                    "This embryo is \(previous.fate.label), not in culture.", field: "embryo_id")
            }
            guard previous.grade <= settings.freezableMaxGrade else {
                throw APIError.validationFailed(
                    "Grade \(previous.grade) embryos are not frozen here (grades 1–\(settings.freezableMaxGrade) are).",
                    field: "grade")
            }
            var slot = (containerID, input.position ?? 0)
            if input.position == nil {
                // The first free position in the container or below it (a canister's goblets).
                guard let free = try StorageStore.freeSlots(write.db, in: containerID, count: 1).first else {
                    throw APIError.validationFailed("No free position is left there.", field: "container_id")
                }
                slot = (free.containerId, free.position)
            }
            return try freeze(previous, at: slot.0, position: slot.1, method: method, in: write)
        }
    }

    private func freeze(
        _ previous: Embryo, at containerID: Int64, position: Int, method: String, in write: AuditedWrite
    )
        throws -> (Embryo, Sample)
    {
        let donor = try Animal.fetchOne(write.db, key: previous.donorId)
        let sire = try Animal.fetchOne(write.db, key: previous.sireId)
        let now = Date()
        var straw = Sample(
            id: nil, externalId: previous.code, species: previous.species, kind: "embryo", status: .received,
            animalId: previous.donorId, collectedAt: now,
            notes: "IETS \(previous.iets), day \(previous.day), \(method.replacingOccurrences(of: "_", with: " ")); "
                + "\(donor?.name ?? "donor") × \(sire?.name ?? "sire")", createdAt: now, updatedAt: now)
        straw.quantity = 1
        straw.unit = "embryos"
        straw.collectedBy = write.context.actorName
        straw.freezeThawCount = 1
        guard try !SampleStore.externalIdTaken(straw.externalId, db: write.db) else {
            throw APIError(
                status: .conflict, code: "conflict", message: "A sample is labelled \(straw.externalId) already.",
                field: "embryo_id")
        }
        try write.insert(&straw, action: "embryo.straw")
        straw = try StorageStore.place(
            straw.id ?? 0, at: containerID, position: position, reason: nil, moving: false, in: write)
        var embryo = previous
        embryo.fate = .frozen
        embryo.sampleId = straw.id
        embryo.updatedAt = now
        try write.update(
            embryo, from: previous, action: "embryo.freeze",
            reason: "\(method.replacingOccurrences(of: "_", with: " ")) into straw \(straw.externalId)")
        return (embryo, straw)
    }

    /// Discards an embryo in culture; the reason is required.
    package func discard(id: Int64, reason: String?, context: EventContext) async throws -> Embryo {
        guard let reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw AuditPolicy.missingReason }
        return try await database.write(context) { write in
            let previous = try Self.embryo(write.db, id: id)
            guard previous.fate == .inCulture else {
                throw APIError.validationFailed(
                    "This embryo is \(previous.fate.label), not in culture.", field: "embryo_id")
            }
            var embryo = previous
            embryo.fate = .discarded
            embryo.updatedAt = Date()
            try write.update(embryo, from: previous, action: "embryo.discard", reason: reason)
            return embryo
        }
    }

    /// Whether any embryo is in culture or frozen and not grade 4: what a transfer may take.
    package func anyTransferable() async throws -> Bool {
        try await database.read { db in
            try Embryo.filter([Embryo.Fate.inCulture, .frozen].contains(Embryo.CodingKeys.fate))
                .filter(Embryo.CodingKeys.grade < 4).isEmpty(db) == false
        }
    }
}
