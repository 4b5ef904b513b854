import Animals
import Biobank
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Checks and look-ups shared by the reproduction stores and pages.
package enum Breeding {
    /// The names of animals by id, for lists that show donors, sires and recipients.
    package static func animalNames(_ db: Database, _ ids: some Sequence<Int64>) throws -> [Int64: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        let rows = try Row.fetchAll(
            db, sql: "SELECT id, name FROM animals WHERE id IN (\(unique.map { _ in "?" }.joined(separator: ",")))",
            arguments: StatementArguments(unique))
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["id"], $0["name"]) })
    }

    /// A live animal for the role named by `field`, of `sex` when given.
    package static func animal(_ db: Database, _ id: Int64?, field: String, sex: Animal.Sex? = nil) throws -> Animal {
        let role = field.replacingOccurrences(of: "_id", with: "")
        guard let id else { throw APIError.validationFailed("Choose the \(role).", field: field) }
        guard let animal = try Animal.fetchOne(db, key: id), animal.deletedAt == nil else {
            throw APIError.validationFailed("No animal has id \(id).", field: field)
        }
        if let sex, animal.sex != sex, animal.sex != .unknown {
            throw APIError.validationFailed(
                "\(animal.name) is \(animal.sex.rawValue); a \(role) must be \(sex.rawValue).", field: field)
        }
        return animal
    }
}

/// OPU sessions and IVF/IVC batches with their day checks. Every write goes through ``AuditedWrite``.
package struct ReproductionStore: Sendable {
    package let database: AppDatabase

    package struct OPUInput: Codable, Sendable {
        package var donorId: Int64?
        package var performedOn: String?
        package var `operator`: String?
        package var follicles: Int?
        package var oocytes: Int?
        package var grade1: Int?
        package var grade2: Int?
        package var grade3: Int?
        package var grade4: Int?
        package var degenerate: Int?
        package var notes: String?

        package enum CodingKeys: String, CodingKey {
            case follicles, oocytes, degenerate, notes
            case `operator`
            case donorId = "donor_id"
            case performedOn = "performed_on"
            case grade1 = "grade_1"
            case grade2 = "grade_2"
            case grade3 = "grade_3"
            case grade4 = "grade_4"
        }

        package init(
            donorId: Int64? = nil, performedOn: String? = nil, `operator`: String? = nil, follicles: Int? = nil,
            oocytes: Int? = nil, grade1: Int? = nil, grade2: Int? = nil, grade3: Int? = nil, grade4: Int? = nil,
            degenerate: Int? = nil, notes: String? = nil
        ) {
            self.donorId = donorId
            self.performedOn = performedOn
            self.`operator` = `operator`
            self.follicles = follicles
            self.oocytes = oocytes
            self.grade1 = grade1
            self.grade2 = grade2
            self.grade3 = grade3
            self.grade4 = grade4
            self.degenerate = degenerate
            self.notes = notes
        }
    }

    package func createOPU(_ input: OPUInput, context: EventContext) async throws -> OPUSession {
        try await database.write(context) { write in
            let donor = try Breeding.animal(write.db, input.donorId, field: "donor_id", sex: .female)
            let now = Date()
            var session = OPUSession(
                id: nil, donorId: donor.id ?? 0,
                performedOn: try Day.past(input.performedOn, field: "performed_on", label: "OPU date"),
                operator: try InputCheck.text(input.operator, field: "operator", fallback: context.actorName),
                follicles: try InputCheck.count(input.follicles, field: "follicles", maximum: 500),
                oocytes: try InputCheck.count(input.oocytes, field: "oocytes", maximum: 500), createdAt: now,
                updatedAt: now)
            session.grade1 = try InputCheck.count(input.grade1 ?? 0, field: "grade_1")
            session.grade2 = try InputCheck.count(input.grade2 ?? 0, field: "grade_2")
            session.grade3 = try InputCheck.count(input.grade3 ?? 0, field: "grade_3")
            session.grade4 = try InputCheck.count(input.grade4 ?? 0, field: "grade_4")
            session.degenerate = try InputCheck.count(input.degenerate ?? 0, field: "degenerate")
            session.notes = try InputCheck.text(input.notes, field: "notes", limit: 2000)
            let graded = session.grade1 + session.grade2 + session.grade3 + session.grade4 + session.degenerate
            guard graded <= session.oocytes else {
                throw APIError.validationFailed(
                    "The grades add up to \(graded), more than the \(session.oocytes) oocytes recovered.",
                    field: "grade_1")
            }
            try write.insert(&session)
            return session
        }
    }

    package func opu(id: Int64) async throws -> OPUSession? {
        try await database.read { try OPUSession.fetchOne($0, key: id) }
    }

    /// Oocytes of an OPU session not yet inseminated in any batch.
    package static func available(_ db: Database, opu: OPUSession) throws -> Int {
        let used =
            try Int.fetchOne(
                db, sql: "SELECT COALESCE(SUM(oocytes), 0) FROM ivf_batch_oocytes WHERE opu_id = ?",
                arguments: [opu.id]) ?? 0
        return opu.usable - used
    }

    /// The newest `limit` OPU sessions that have oocytes left, with how many, newest first.
    package static func openSessions(_ db: Database, limit: Int = 200) throws -> [(session: OPUSession, left: Int)] {
        try OPUSession.order(OPUSession.CodingKeys.id.desc).limit(limit).fetchAll(db)
            .map { ($0, try available(db, opu: $0)) }.filter { $0.left > 0 }
    }

    /// The semen straw a batch was fertilised with, if one was recorded.
    package static func semenStraw(_ db: Database, of batch: IVFBatch) throws -> Sample? {
        try batch.semenSampleId.flatMap { try Sample.fetchOne(db, key: $0) }
    }

    package struct BatchInput: Codable, Sendable {
        package struct Oocytes: Codable, Sendable {
            package var opuId: Int64
            package var oocytes: Int?

            package enum CodingKeys: String, CodingKey {
                case oocytes
                case opuId = "opu_id"
            }

            package init(opuId: Int64, oocytes: Int? = nil) {
                self.opuId = opuId
                self.oocytes = oocytes
            }
        }

        package var code: String?
        package var sireId: Int64?
        package var semenSampleId: Int64?
        package var fertilisedOn: String?
        package var medium: String?
        package var `protocol`: String?
        package var technician: String?
        package var notes: String?
        package var oocytesFrom: [Oocytes]?

        package enum CodingKeys: String, CodingKey {
            case code, medium, `protocol`, technician, notes
            case sireId = "sire_id"
            case semenSampleId = "semen_sample_id"
            case fertilisedOn = "fertilised_on"
            case oocytesFrom = "oocytes_from"
        }

        package init(
            code: String? = nil, sireId: Int64? = nil, semenSampleId: Int64? = nil, fertilisedOn: String? = nil,
            medium: String? = nil, `protocol`: String? = nil, technician: String? = nil, notes: String? = nil,
            oocytesFrom: [Oocytes]? = nil
        ) {
            self.code = code
            self.sireId = sireId
            self.semenSampleId = semenSampleId
            self.fertilisedOn = fertilisedOn
            self.medium = medium
            self.`protocol` = `protocol`
            self.technician = technician
            self.notes = notes
            self.oocytesFrom = oocytesFrom
        }
    }

    /// A batch from one donor's OPU oocytes (all usable ones unless counts are given) and one
    /// sire's semen. A semen straw from the store is thawed: checked out of its position and used.
    package func createBatch(_ input: BatchInput, context: EventContext) async throws -> IVFBatchReport {
        let id = try await database.write(context) { write -> Int64 in
            let db = write.db
            guard let sources = input.oocytesFrom, !sources.isEmpty else {
                throw APIError.validationFailed(
                    "Choose the OPU session(s) whose oocytes are fertilised.", field: "oocytes_from")
            }
            var allocations: [(OPUSession, Int)] = []
            for source in sources {
                guard let opu = try OPUSession.fetchOne(db, key: source.opuId) else {
                    throw APIError.validationFailed("No OPU session has id \(source.opuId).", field: "oocytes_from")
                }
                let available = try Self.available(db, opu: opu)
                let count = source.oocytes ?? available
                guard count > 0, count <= available else {
                    throw APIError.validationFailed(
                        "OPU \(source.opuId) has \(available) usable oocytes left, not \(count).", field: "oocytes_from"
                    )
                }
                allocations.append((opu, count))
            }
            guard Set(allocations.map(\.0.donorId)).count == 1, let first = allocations.first?.0 else {
                throw APIError.validationFailed(
                    "A batch holds one donor's oocytes, so each embryo has one donor.", field: "oocytes_from")
            }
            let donor = try Breeding.animal(db, first.donorId, field: "donor_id")
            let sire = try Breeding.animal(db, input.sireId, field: "sire_id", sex: .male)
            guard sire.species == donor.species else {
                throw APIError.validationFailed(
                    "\(sire.name) is \(sire.species); the donor is \(donor.species).", field: "sire_id")
            }
            let fertilisedOn = try Day.past(input.fertilisedOn, field: "fertilised_on", label: "fertilisation date")
            let latestOPU = allocations.map(\.0.performedOn).max() ?? fertilisedOn
            guard latestOPU <= fertilisedOn else {
                throw APIError.validationFailed(
                    "Fertilisation cannot be before the OPU (\(latestOPU)).", field: "fertilised_on")
            }
            let now = Date()
            let sequence = try IVFBatch.filter(IVFBatch.CodingKeys.fertilisedOn == fertilisedOn).fetchCount(db) + 1
            var batch = IVFBatch(
                id: nil,
                code: try InputCheck.text(
                    input.code, field: "code", limit: 64,
                    fallback: "IVF-\(fertilisedOn.replacingOccurrences(of: "-", with: ""))-\(sequence)"),
                donorId: donor.id ?? 0, sireId: sire.id ?? 0, semenSampleId: nil, fertilisedOn: fertilisedOn,
                technician: try InputCheck.text(
                    input.technician, field: "technician", fallback: write.context.actorName),
                createdAt: now, updatedAt: now)
            batch.medium = try InputCheck.text(input.medium, field: "medium")
            batch.protocol = try InputCheck.text(input.protocol, field: "protocol")
            batch.notes = try InputCheck.text(input.notes, field: "notes", limit: 2000)
            guard try IVFBatch.filter(IVFBatch.CodingKeys.code == batch.code).isEmpty(db) else {
                throw APIError(
                    status: .conflict, code: "conflict", message: "A batch is called \(batch.code).", field: "code")
            }
            if let sampleID = input.semenSampleId {
                batch.semenSampleId = try Self.useSemen(sampleID, sire: sire, for: "IVF batch \(batch.code)", in: write)
            }
            try write.insert(&batch)
            for (opu, count) in allocations {
                try IVFAllocation(batchId: batch.id ?? 0, opuId: opu.id ?? 0, oocytes: count).insert(db)
            }
            try write.log(
                "ivf.inseminate", entityType: IVFBatch.auditEntity, entityID: batch.auditID,
                after: AuditValue.encode(
                    Dictionary(uniqueKeysWithValues: allocations.map { ("opu_\($0.0.id ?? 0)", .integer(Int64($0.1))) })
                ))
            return batch.id ?? 0
        }
        guard let report = try await batch(id: id) else { throw APIError.notFound("No such batch.") }
        return report
    }

    /// Marks the semen sample used for `purpose` (an IVF batch, a flush's inseminations): a stored
    /// straw is thawed out of its position first.
    package static func useSemen(_ sampleID: Int64, sire: Animal, for purpose: String, in write: AuditedWrite) throws
        -> Int64
    {
        guard var sample = try Sample.fetchOne(write.db, key: sampleID) else {
            throw APIError.validationFailed("No sample has id \(sampleID).", field: "semen_sample_id")
        }
        guard sample.kind == "semen" else {
            throw APIError.validationFailed(
                "\(sample.externalId) is \(sample.kind), not semen.", field: "semen_sample_id")
        }
        if let animal = sample.animalId, animal != sire.id {
            throw APIError.validationFailed("\(sample.externalId) is not from \(sire.name).", field: "semen_sample_id")
        }
        if sample.containerId != nil {
            sample = try StorageStore.checkOut(sampleID, reason: .thaw, note: purpose, in: write)
        }
        guard sample.status.next.contains(.used) else {
            throw APIError.validationFailed(
                "\(sample.externalId) is \(sample.status.rawValue) and cannot be used.", field: "semen_sample_id")
        }
        var used = sample
        used.status = .used
        used.updatedAt = Date()
        try write.update(used, from: sample, reason: "used for \(purpose)")
        return sampleID
    }

    package struct CheckInput: Codable, Sendable {
        package var day: Int?
        package var checkedOn: String?
        package var cleaved: Int?
        package var blastocysts: Int?
        package var notes: String?

        package enum CodingKeys: String, CodingKey {
            case day, cleaved, blastocysts, notes
            case checkedOn = "checked_on"
        }

        package init(
            day: Int? = nil, checkedOn: String? = nil, cleaved: Int? = nil, blastocysts: Int? = nil,
            notes: String? = nil
        ) {
            self.day = day
            self.checkedOn = checkedOn
            self.cleaved = cleaved
            self.blastocysts = blastocysts
            self.notes = notes
        }
    }

    /// One day's culture check. Counts cannot exceed the oocytes inseminated, nor blastocysts the
    /// cleaved embryos.
    package func addCheck(batch id: Int64, _ input: CheckInput, context: EventContext) async throws -> IVFBatchReport {
        try await database.write(context) { write in
            guard let report = try Self.report(write.db, id: id) else {
                throw APIError.notFound("No batch has id \(id).")
            }
            guard let day = input.day, (1...9).contains(day) else {
                throw APIError.validationFailed("Give the culture day, 1 to 9 (day 0 is fertilisation).", field: "day")
            }
            guard input.cleaved != nil || input.blastocysts != nil else {
                throw APIError.validationFailed("Enter the cleaved or the blastocyst count.", field: "cleaved")
            }
            let inseminated = report.inseminated
            let cleaved = try input.cleaved.map { try InputCheck.count($0, field: "cleaved", maximum: inseminated) }
            let blastocysts = try input.blastocysts.map {
                try InputCheck.count($0, field: "blastocysts", maximum: cleaved ?? report.cleaved ?? inseminated)
            }
            guard
                try IVFCheck.filter(IVFCheck.CodingKeys.batchId == id && IVFCheck.CodingKeys.day == day).isEmpty(
                    write.db)
            else {
                throw APIError(
                    status: .conflict, code: "conflict", message: "Day \(day) of this batch is recorded already.",
                    field: "day")
            }
            let checkedOn = input.checkedOn.flatMap { $0.isEmpty ? nil : $0 }
            var check = IVFCheck(
                id: nil, batchId: id, day: day,
                checkedOn: try checkedOn.map { try Day.past($0, field: "checked_on", label: "check date") }
                    ?? Day.adding(day, to: report.batch.fertilisedOn) ?? Day.today,
                cleaved: cleaved, blastocysts: blastocysts, checkedBy: write.context.actorName, createdAt: Date())
            check.notes = try InputCheck.text(input.notes, field: "notes", limit: 2000)
            try write.insert(&check)
            return try Self.report(write.db, id: id) ?? report
        }
    }

    package static func report(_ db: Database, id: Int64) throws -> IVFBatchReport? {
        guard let batch = try IVFBatch.fetchOne(db, key: id) else { return nil }
        return IVFBatchReport(
            batch: batch,
            allocations: try IVFAllocation.filter(IVFAllocation.CodingKeys.batchId == id).fetchAll(db),
            checks: try IVFCheck.filter(IVFCheck.CodingKeys.batchId == id).order(IVFCheck.CodingKeys.day).fetchAll(db),
            embryos: try Embryo.filter(Embryo.CodingKeys.batchId == id).order(Embryo.CodingKeys.id).fetchAll(db))
    }

    package func batch(id: Int64) async throws -> IVFBatchReport? {
        try await database.read { try Self.report($0, id: id) }
    }

    /// OPU sessions, the latest session day first, one page.
    package func opuSessions(donor: Int64?, after: KeysetPosition?, limit: Int) async throws
        -> (items: [OPUSession], next: KeysetPosition?)
    {
        try await database.read { db in
            var request = OPUSession.all()
            if let donor { request = request.filter(OPUSession.CodingKeys.donorId == donor) }
            return try request.page(
                db, order: ListOrder(column: "performed_on", descending: true), after: after, limit: limit)
        }
    }

    /// IVF batches, the latest fertilisation day first (not the latest entered: batches are often
    /// entered days late), one page.
    package func batches(after: KeysetPosition?, limit: Int) async throws -> (items: [IVFBatch], next: KeysetPosition?)
    {
        try await database.read { db in
            try IVFBatch.all().page(
                db, order: ListOrder(column: "fertilised_on", descending: true), after: after, limit: limit)
        }
    }
}
