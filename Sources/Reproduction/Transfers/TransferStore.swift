import Animals
import Biobank
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Embryo transfers (witnessed), pregnancy diagnoses and outcomes.
package struct TransferStore: Sendable {
    package let database: AppDatabase
    package let settings: ReproductionSettings

    package struct Input: Codable, Sendable {
        package var recipientId: Int64?
        package var embryoIds: [Int64]?
        package var transferredOn: String?
        package var technician: String?
        package var clSide: String?
        package var clQuality: String?
        package var notes: String?

        package enum CodingKeys: String, CodingKey {
            case technician, notes
            case recipientId = "recipient_id"
            case embryoIds = "embryo_ids"
            case transferredOn = "transferred_on"
            case clSide = "cl_side"
            case clQuality = "cl_quality"
        }

        package init(
            recipientId: Int64? = nil, embryoIds: [Int64]? = nil, transferredOn: String? = nil,
            technician: String? = nil, clSide: String? = nil, clQuality: String? = nil, notes: String? = nil
        ) {
            self.recipientId = recipientId
            self.embryoIds = embryoIds
            self.transferredOn = transferredOn
            self.technician = technician
            self.clSide = clSide
            self.clQuality = clQuality
            self.notes = notes
        }
    }

    /// Places embryos in a recipient, signed by `witness` in the same transaction. A frozen
    /// embryo's straw is thawed: checked out of its position and marked used. An enrolled
    /// recipient must be in synchrony with each embryo (`reproduction.synchrony_days`).
    package func create(_ input: Input, witness: User?, context: EventContext) async throws -> Transfer {
        guard let witness else {
            throw APIError.validationFailed(
                "A second person must witness the transfer and sign with their password.", field: "witness")
        }
        let ids = input.embryoIds ?? []
        guard (1...3).contains(ids.count), Set(ids).count == ids.count else {
            throw APIError.validationFailed("Choose one to three embryos.", field: "embryo_ids")
        }
        return try await database.write(context) { write in
            let db = write.db
            let recipient = try Breeding.animal(db, input.recipientId, field: "recipient_id", sex: .female)
            let clSide = try InputCheck.text(input.clSide, field: "cl_side")
            guard ["", "left", "right"].contains(clSide) else {
                throw APIError.validationFailed("The corpus luteum side is left or right.", field: "cl_side")
            }
            let now = Date()
            var transfer = Transfer(
                id: nil, recipientId: recipient.id ?? 0,
                transferredOn: try Day.past(input.transferredOn, field: "transferred_on", label: "transfer date"),
                technician: try InputCheck.text(
                    input.technician, field: "technician", fallback: write.context.actorName),
                clSide: clSide, clQuality: try InputCheck.text(input.clQuality, field: "cl_quality"),
                notes: try InputCheck.text(input.notes, field: "notes", limit: 2000), createdAt: now, updatedAt: now)
            try write.insert(&transfer)
            var embryos: [Embryo] = []
            for id in ids {
                let previous = try EmbryoStore.embryo(db, id: id)
                embryos.append(previous)
                guard previous.species == recipient.species else {
                    throw APIError.validationFailed(
                        "\(previous.code) is \(previous.species); \(recipient.name) is \(recipient.species).",
                        field: "embryo_ids")
                }
                guard previous.grade < 4 else {
                    throw APIError.validationFailed(
                        "\(previous.code) is grade 4 (dead or degenerating) and is never transferred.",
                        field: "embryo_ids")
                }
                switch previous.fate {
                case .inCulture: break
                case .frozen:
                    try thaw(previous, for: recipient, in: write)
                case .transferred, .discarded:
                    throw APIError.validationFailed(
                        "\(previous.code) is \(previous.fate.label) already.", field: "embryo_ids")
                }
                var embryo = previous
                embryo.fate = .transferred
                embryo.transferId = transfer.id
                embryo.updatedAt = now
                try write.update(
                    embryo, from: previous, action: "embryo.transfer", reason: "transferred to \(recipient.name)")
            }
            try RecipientStore.use(
                recipient, for: transfer, embryos: embryos, tolerance: settings.synchronyDays, in: write)
            try Signature.sign(transfer, as: witness, meaning: .witnessed, in: write)
            return transfer
        }
    }

    /// A frozen embryo's straw leaves its position (thawed) and is used up by the transfer.
    private func thaw(_ embryo: Embryo, for recipient: Animal, in write: AuditedWrite) throws {
        guard let sampleID = embryo.sampleId, let straw = try Sample.fetchOne(write.db, key: sampleID) else {
            throw APIError.validationFailed("\(embryo.code) has no straw on record.", field: "embryo_ids")
        }
        guard straw.containerId != nil else {
            throw APIError.validationFailed(
                "Straw \(straw.externalId) is not in storage (it is \(straw.status.rawValue)); find it before thawing.",
                field: "embryo_ids")
        }
        let thawed = try StorageStore.checkOut(
            sampleID, reason: .thaw, note: "embryo transfer to \(recipient.name)", in: write)
        var used = thawed
        used.status = .used
        used.updatedAt = Date()
        try write.update(used, from: thawed, reason: "transferred to \(recipient.name)")
    }

    package struct CheckInput: Codable, Sendable {
        package var checkedOn: String?
        package var method: String?
        package var result: String?
        package var fetalSex: String?
        package var notes: String?

        package enum CodingKeys: String, CodingKey {
            case method, result, notes
            case checkedOn = "checked_on"
            case fetalSex = "fetal_sex"
        }

        package init(
            checkedOn: String? = nil, method: String? = nil, result: String? = nil, fetalSex: String? = nil,
            notes: String? = nil
        ) {
            self.checkedOn = checkedOn
            self.method = method
            self.result = result
            self.fetalSex = fetalSex
            self.notes = notes
        }
    }

    /// A pregnancy diagnosis: not before the transfer; "lost" only after a positive diagnosis.
    package func diagnose(transfer id: Int64, _ input: CheckInput, context: EventContext) async throws -> PregnancyCheck
    {
        try await database.write(context) { write in
            let transfer = try Self.transfer(write.db, id: id)
            guard let method = input.method.flatMap(PregnancyCheck.Method.init) else {
                throw APIError.validationFailed("The method is ultrasound, palpation or blood_test.", field: "method")
            }
            guard let result = input.result.flatMap(PregnancyCheck.Result.init) else {
                throw APIError.validationFailed("The result is pregnant, open or lost.", field: "result")
            }
            let checkedOn = try Day.past(input.checkedOn, field: "checked_on", label: "diagnosis date")
            guard checkedOn >= transfer.transferredOn else {
                throw APIError.validationFailed(
                    "The check cannot be before the transfer (\(transfer.transferredOn)).", field: "checked_on")
            }
            let previous = try Self.checks(write.db, transfer: id).last
            if result == .lost, previous?.result != .pregnant {
                throw APIError.validationFailed(
                    "A pregnancy can be lost only after a positive diagnosis.", field: "result")
            }
            let fetalSex = try InputCheck.text(input.fetalSex, field: "fetal_sex")
            guard ["", "female", "male", "twins"].contains(fetalSex), fetalSex.isEmpty || result == .pregnant else {
                throw APIError.validationFailed(
                    "Fetal sex is female, male or twins, for a pregnancy.", field: "fetal_sex")
            }
            var check = PregnancyCheck(
                id: nil, transferId: id, checkedOn: checkedOn, method: method, result: result, fetalSex: fetalSex,
                checkedBy: write.context.actorName,
                notes: try InputCheck.text(input.notes, field: "notes", limit: 2000),
                createdAt: Date())
            try write.insert(&check)
            return check
        }
    }

    package struct OutcomeInput: Codable, Sendable {
        package var outcome: String?
        package var outcomeOn: String?
        package var offspringSex: String?

        package enum CodingKeys: String, CodingKey {
            case outcome
            case outcomeOn = "outcome_on"
            case offspringSex = "offspring_sex"
        }

        package init(outcome: String? = nil, outcomeOn: String? = nil, offspringSex: String? = nil) {
            self.outcome = outcome
            self.outcomeOn = outcomeOn
            self.offspringSex = offspringSex
        }
    }

    /// The calving or foaling that closes the trace; the last diagnosis must be positive.
    package func recordOutcome(transfer id: Int64, _ input: OutcomeInput, context: EventContext) async throws
        -> Transfer
    {
        try await database.write(context) { write in
            let previous = try Self.transfer(write.db, id: id)
            guard let outcome = input.outcome.flatMap(Transfer.Outcome.init), outcome != .unknown else {
                throw APIError.validationFailed("The outcome is born_alive or stillborn.", field: "outcome")
            }
            guard try Self.checks(write.db, transfer: id).last?.result == .pregnant else {
                throw APIError.validationFailed("Record a positive pregnancy diagnosis first.", field: "outcome")
            }
            let day = try Day.past(input.outcomeOn, field: "outcome_on", label: "birth date")
            guard day > previous.transferredOn else {
                throw APIError.validationFailed("The birth must be after the transfer.", field: "outcome_on")
            }
            let sex = try InputCheck.text(input.offspringSex, field: "offspring_sex")
            guard ["", "female", "male"].contains(sex) else {
                throw APIError.validationFailed("The offspring's sex is female or male.", field: "offspring_sex")
            }
            var transfer = previous
            transfer.outcome = outcome
            transfer.outcomeOn = day
            transfer.offspringSex = sex
            transfer.updatedAt = Date()
            try write.update(
                transfer, from: previous, action: "transfer.outcome", reason: "\(outcome.rawValue) on \(day)")
            return transfer
        }
    }

    package static func transfer(_ db: Database, id: Int64) throws -> Transfer {
        guard let transfer = try Transfer.fetchOne(db, key: id) else {
            throw APIError.notFound("No transfer has id \(id).")
        }
        return transfer
    }

    package static func checks(_ db: Database, transfer id: Int64) throws -> [PregnancyCheck] {
        try PregnancyCheck.filter(PregnancyCheck.CodingKeys.transferId == id)
            .order(PregnancyCheck.CodingKeys.checkedOn, PregnancyCheck.CodingKeys.id).fetchAll(db)
    }

    /// A transfer still waiting for its first pregnancy check.
    package struct Due: Codable, Sendable, FetchableRecord {
        package let transferId: Int64
        package let recipient: String
        package let species: String
        package let transferredOn: String
        package var dueOn = ""

        package enum CodingKeys: String, CodingKey {
            case recipient, species
            case transferId = "transfer_id"
            case transferredOn = "transferred_on"
            case dueOn = "due_on"
        }
    }

    /// Transfers without a diagnosis whose first check falls on or before `day` + `ahead` days.
    package static func due(_ db: Database, settings: ReproductionSettings, on day: String, ahead: Int = 0) throws
        -> [Due]
    {
        try Due.fetchAll(
            db,
            sql: """
                SELECT t.id AS transfer_id, a.name AS recipient, a.species, t.transferred_on, '' AS due_on
                FROM transfers t JOIN animals a ON a.id = t.recipient_id
                WHERE NOT EXISTS (SELECT 1 FROM pregnancy_checks c WHERE c.transfer_id = t.id)
                ORDER BY t.transferred_on, t.id
                """
        ).compactMap { row in
            var row = row
            row.dueOn =
                Day.adding(settings.firstCheck(species: row.species), to: row.transferredOn) ?? row.transferredOn
            let limit = Day.adding(ahead, to: day) ?? day
            return row.dueOn <= limit ? row : nil
        }
    }

    package func due(ahead: Int) async throws -> [Due] {
        try await database.read { try Self.due($0, settings: settings, on: Day.today, ahead: ahead) }
    }

    /// Transfers, the latest transfer day first, one page.
    package func transfers(after: KeysetPosition?, limit: Int) async throws -> (
        items: [Transfer], next: KeysetPosition?
    ) {
        try await database.read { db in
            try Transfer.all().page(
                db, order: ListOrder(column: "transferred_on", descending: true), after: after, limit: limit)
        }
    }
}
