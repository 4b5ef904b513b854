import Animals
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Superovulation protocols, the schedules made from them and the team's daily worklist: the
/// only place with their SQL. Every write is audited in its transaction.
package struct SuperovulationStore: Sendable {
    package let database: AppDatabase
    package let species: [String]

    // MARK: Protocols

    /// A step as posted: day offset from the start, time of day, kind, dose and note.
    package struct StepInput: Codable, Sendable {
        package var day: Int?
        package var time: String?
        package var kind: String?
        package var amount: Double?
        package var unit: String?
        package var note: String?

        package init(
            day: Int? = nil, time: String? = nil, kind: String? = nil, amount: Double? = nil, unit: String? = nil,
            note: String? = nil
        ) {
            (self.day, self.time, self.kind, self.amount, self.unit, self.note) = (day, time, kind, amount, unit, note)
        }
    }

    /// A protocol as created or changed; on a change, `steps` (when given) replaces them all.
    package struct ProtocolInput: Codable, Sendable {
        package var name: String?
        package var species: String?
        package var notes: String?
        package var steps: [StepInput]?
        package var reason: String?

        package init(
            name: String? = nil, species: String? = nil, notes: String? = nil, steps: [StepInput]? = nil,
            reason: String? = nil
        ) {
            (self.name, self.species, self.notes, self.steps, self.reason) = (name, species, notes, steps, reason)
        }
    }

    package static let maximumSteps = 40
    package static let maximumDay = 60

    package func createProtocol(_ input: ProtocolInput, context: EventContext) async throws -> SuperovulationProtocol {
        let name = try Self.name(input.name)
        let species = try checkedSpecies(input.species)
        let steps = try Self.steps(input.steps)
        let notes = try InputCheck.text(input.notes, field: "notes", limit: 2000)
        return try await database.write(context) { write in
            try Self.requireFreeName(name, except: nil, db: write.db)
            var item = SuperovulationProtocol(name: name, species: species, steps: steps, createdAt: Date())
            item.notes = notes
            try write.insert(&item)
            return item
        }
    }

    package func updateProtocol(id: Int64, _ input: ProtocolInput, context: EventContext) async throws
        -> SuperovulationProtocol
    {
        let name = try input.name.map { try Self.name($0) }
        let species = try input.species.map { try checkedSpecies($0) }
        let steps = try input.steps.map { try Self.steps($0) }
        let notes = try input.notes.map { try InputCheck.text($0, field: "notes", limit: 2000) }
        try InputCheck.length(input.reason ?? "", field: "reason", limit: 2000)
        return try await database.write(context) { write in
            let previous = try Self.protocolRecord(write.db, id: id)
            var item = previous
            if let name {
                try Self.requireFreeName(name, except: id, db: write.db)
                item.name = name
            }
            if let species { item.species = species }
            if let steps { item.steps = steps }
            if let notes { item.notes = notes }
            item.updatedAt = Date()
            try write.update(item, from: previous, reason: FormText.text(input.reason))
            return item
        }
    }

    /// Archives a protocol (no new superovulations from it) or brings it back.
    package func archiveProtocol(id: Int64, archived: Bool, context: EventContext) async throws
        -> SuperovulationProtocol
    {
        try await database.write(context) { write in
            let previous = try Self.protocolRecord(write.db, id: id)
            var item = previous
            item.archivedAt = archived ? (previous.archivedAt ?? Date()) : nil
            item.updatedAt = Date()
            guard item.archivedAt != previous.archivedAt else { return previous }
            try write.update(
                item, from: previous,
                action: archived ? "superovulation_protocol.archive" : "superovulation_protocol.restore",
                reason: nil)
            return item
        }
    }

    package func protocolDetail(id: Int64) async throws -> SuperovulationProtocol {
        try await database.read { try Self.protocolRecord($0, id: id) }
    }

    /// Protocols by name; archived ones only when asked for.
    package func protocols(archived: Bool, after: KeysetPosition?, limit: Int) async throws
        -> (items: [SuperovulationProtocol], next: KeysetPosition?)
    {
        try await database.read { db in
            let request = SuperovulationProtocol.filter(
                archived
                    ? SuperovulationProtocol.CodingKeys.archivedAt != nil
                    : SuperovulationProtocol.CodingKeys.archivedAt == nil)
            return try request.page(db, order: ListOrder(column: "id", descending: false), after: after, limit: limit)
        }
    }

    /// The protocols a superovulation may start from, by name.
    package func activeProtocols() async throws -> [SuperovulationProtocol] {
        try await database.read { db in
            try SuperovulationProtocol.filter(SuperovulationProtocol.CodingKeys.archivedAt == nil)
                .order(SuperovulationProtocol.CodingKeys.name).fetchAll(db)
        }
    }

    static func protocolRecord(_ db: Database, id: Int64) throws -> SuperovulationProtocol {
        guard let item = try SuperovulationProtocol.fetchOne(db, key: id) else {
            throw APIError.notFound("No superovulation protocol has id \(id).")
        }
        return item
    }

    private static func name(_ text: String?) throws -> String {
        let name = try InputCheck.text(text, field: "name", limit: 120)
        guard !name.isEmpty else { throw APIError.validationFailed("Name the protocol.", field: "name") }
        return name
    }

    private func checkedSpecies(_ text: String?) throws -> String {
        try InputCheck.length(text ?? "", field: "species", limit: 40)
        guard let text, species.contains(text) else {
            throw APIError.validationFailed(
                "The species is one of \(species.joined(separator: ", ")).", field: "species")
        }
        return text
    }

    private static func requireFreeName(_ name: String, except id: Int64?, db: Database) throws {
        let other = try Int64.fetchOne(
            db, sql: "SELECT id FROM superovulation_protocols WHERE name = ? AND id IS NOT ?", arguments: [name, id])
        if other != nil {
            throw APIError(
                status: .conflict, code: "conflict", message: "A protocol is named \(name) already.", field: "name")
        }
    }

    /// The steps, checked one by one (the message names the step), in order of day and time.
    static func steps(_ inputs: [StepInput]?) throws -> [ProtocolStep] {
        guard let inputs, (1...maximumSteps).contains(inputs.count) else {
            throw APIError.validationFailed("A protocol has 1 to \(maximumSteps) steps.", field: "steps")
        }
        let steps = try inputs.enumerated().map { index, input -> ProtocolStep in
            let which = "Step \(index + 1): "
            guard let day = input.day, (0...maximumDay).contains(day) else {
                throw APIError.validationFailed("\(which)the day is 0 to \(maximumDay) from the start.", field: "steps")
            }
            guard let time = input.time.flatMap(clockTime) else {
                throw APIError.validationFailed("\(which)give the time as HH:MM, e.g. 07:00.", field: "steps")
            }
            guard let kind = input.kind.flatMap(SuperovulationStepKind.init) else {
                throw APIError.validationFailed(
                    "\(which)the kind is one of \(SuperovulationStepKind.allCases.map(\.rawValue).joined(separator: ", ")).",
                    field: "steps")
            }
            if let amount = input.amount, !(amount > 0 && amount <= 10_000) {
                throw APIError.validationFailed("\(which)a dose is more than 0 and at most 10000.", field: "steps")
            }
            let unit = try InputCheck.text(input.unit, field: "steps", limit: 20)
            let note = try InputCheck.text(input.note, field: "steps", limit: 200)
            return ProtocolStep(day: day, time: time, kind: kind, amount: input.amount, unit: unit, note: note)
        }
        return steps.enumerated().sorted {
            ($0.element.day, $0.element.time, $0.offset) < ($1.element.day, $1.element.time, $1.offset)
        }
        .map(\.element)
    }

    /// `7:00` or `07:00` as `07:00`; nil when it is no time of day.
    static func clockTime(_ text: String) -> String? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), parts[1].count == 2,
            (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        return String(format: "%02d:%02d", hour, minute)
    }

    // MARK: Superovulations

    package struct StartInput: Codable, Sendable {
        package var donorId: Int64?
        package var protocolId: Int64?
        package var startedOn: String?
        package var notes: String?

        package enum CodingKeys: String, CodingKey {
            case notes
            case donorId = "donor_id"
            case protocolId = "protocol_id"
            case startedOn = "started_on"
        }

        package init(donorId: Int64? = nil, protocolId: Int64? = nil, startedOn: String? = nil, notes: String? = nil) {
            (self.donorId, self.protocolId, self.startedOn, self.notes) = (donorId, protocolId, startedOn, notes)
        }
    }

    /// Applies a protocol to a donor from a day: the superovulation and its dated steps, copied
    /// from the template as it is now, in one transaction.
    package func start(_ input: StartInput, context: EventContext) async throws -> Superovulation {
        let notes = try InputCheck.text(input.notes, field: "notes", limit: 2000)
        guard let text = input.startedOn, let startDay = Day.date(text).map(Day.text) else {
            throw APIError.validationFailed("Give the start day as YYYY-MM-DD.", field: "started_on")
        }
        guard let protocolID = input.protocolId else {
            throw APIError.validationFailed("Choose the protocol.", field: "protocol_id")
        }
        return try await database.write(context) { write in
            let db = write.db
            let donor = try Breeding.animal(db, input.donorId, field: "donor_id", sex: .female)
            guard let template = try SuperovulationProtocol.fetchOne(db, key: protocolID) else {
                throw APIError.validationFailed("No protocol has id \(protocolID).", field: "protocol_id")
            }
            guard template.archivedAt == nil else {
                throw APIError.validationFailed("\(template.name) is archived.", field: "protocol_id")
            }
            guard template.species == donor.species else {
                throw APIError.validationFailed(
                    "\(template.name) is a \(template.species) protocol; \(donor.name) is \(donor.species).",
                    field: "protocol_id")
            }
            if let running = try Superovulation.filter(
                Superovulation.CodingKeys.donorId == donor.id && Superovulation.CodingKeys.status == "active"
            ).fetchOne(db) {
                throw APIError(
                    status: .conflict, code: "conflict",
                    message: "\(donor.name) is on \(running.code) already; cancel it or record its flush first.",
                    field: "donor_id")
            }
            let next = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM superovulations") ?? 1
            let now = Date()
            var run = Superovulation(
                code: "SO-" + String(format: "%04lld", next), donorId: donor.id ?? 0, protocolId: protocolID,
                protocolName: template.name, startedOn: startDay, notes: notes, createdAt: now, updatedAt: now)
            try write.insert(&run, action: "superovulation.start", reason: "\(template.name) for \(donor.name)")
            for step in template.steps {
                var row = SuperovulationStep(
                    superovulationId: run.id ?? 0, dueOn: Day.adding(step.day, to: startDay) ?? startDay,
                    dueTime: step.time, kind: step.kind, amount: step.amount, unit: step.unit, note: step.note)
                try write.insert(&row, action: "superovulation.schedule")
            }
            return run
        }
    }

    /// Cancels an active superovulation (the donor did not respond, fell ill…); the reason is required.
    package func cancel(id: Int64, reason: String?, context: EventContext) async throws -> Superovulation {
        guard let reason = FormText.text(reason) else { throw AuditPolicy.missingReason }
        try InputCheck.length(reason, field: "reason", limit: 2000)
        return try await database.write(context) { write in
            let previous = try Self.run(write.db, id: id)
            guard previous.status == .active else {
                throw APIError(
                    status: .conflict, code: "conflict",
                    message: "\(previous.code) is \(previous.status.rawValue); it cannot be cancelled.", field: "status"
                )
            }
            var run = previous
            run.status = .cancelled
            run.updatedAt = Date()
            try write.update(run, from: previous, action: "superovulation.cancel", reason: reason)
            return run
        }
    }

    /// Marks a scheduled step done, by whoever is signed in, now.
    package func markDone(step id: Int64, context: EventContext) async throws -> SuperovulationStep {
        try await database.write(context) { write in
            guard let previous = try SuperovulationStep.fetchOne(write.db, key: id) else {
                throw APIError.notFound("No superovulation step has id \(id).")
            }
            let run = try Self.run(write.db, id: previous.superovulationId)
            guard run.status == .active else {
                throw APIError(
                    status: .conflict, code: "conflict",
                    message: "\(run.code) is \(run.status.rawValue); its steps cannot change.", field: "status")
            }
            guard previous.doneAt == nil else {
                throw APIError(
                    status: .conflict, code: "conflict",
                    message: "This step was done already, by \(previous.doneBy ?? "someone").", field: "step")
            }
            var step = previous
            step.doneAt = Date()
            step.doneBy = write.context.actorName
            try write.update(step, from: previous, action: "superovulation.step_done", reason: nil)
            return step
        }
    }

    static func run(_ db: Database, id: Int64) throws -> Superovulation {
        guard let run = try Superovulation.fetchOne(db, key: id) else {
            throw APIError.notFound("No superovulation has id \(id).")
        }
        return run
    }

    /// A superovulation with its donor, its schedule and the flush that ended it.
    package struct Detail: Encodable, Sendable, ResponseEncodable {
        package let superovulation: Superovulation
        package let donor: String
        package let steps: [SuperovulationStep]
        package let flushId: Int64?

        package enum CodingKeys: String, CodingKey {
            case donor, steps
            case flushId = "flush_id"
        }

        package func encode(to encoder: Encoder) throws {
            try superovulation.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(donor, forKey: .donor)
            try container.encode(flushId, forKey: .flushId)
            try container.encode(steps, forKey: .steps)
        }
    }

    package func detail(id: Int64) async throws -> Detail {
        try await database.read { db in
            let run = try Self.run(db, id: id)
            let steps = try SuperovulationStep.filter(SuperovulationStep.CodingKeys.superovulationId == id)
                .order(SuperovulationStep.CodingKeys.dueOn, SuperovulationStep.CodingKeys.dueTime, Column("id"))
                .fetchAll(db)
            let donor = try Breeding.animalNames(db, [run.donorId])[run.donorId] ?? "#\(run.donorId)"
            let flush = try Int64.fetchOne(
                db, sql: "SELECT id FROM flushes WHERE superovulation_id = ?", arguments: [id])
            return Detail(superovulation: run, donor: donor, steps: steps, flushId: flush)
        }
    }

    package struct Filter: Sendable {
        package var donorId: Int64?
        package var status: Superovulation.Status?

        package init(_ query: ListQuery) throws {
            donorId = try query.id("donor_id")
            status = try query.choice("status", in: Superovulation.Status.allCases.map(\.rawValue))
                .flatMap(Superovulation.Status.init)
        }

        package init(donorId: Int64? = nil, status: Superovulation.Status? = nil) {
            (self.donorId, self.status) = (donorId, status)
        }
    }

    /// Superovulations, newest first, one page.
    package func list(_ filter: Filter, after: KeysetPosition?, limit: Int) async throws
        -> (items: [Superovulation], next: KeysetPosition?)
    {
        try await database.read { db in
            var request = Superovulation.all()
            if let donor = filter.donorId { request = request.filter(Superovulation.CodingKeys.donorId == donor) }
            if let status = filter.status { request = request.filter(Superovulation.CodingKeys.status == status) }
            return try request.page(db, order: ListOrder(column: "id", descending: true), after: after, limit: limit)
        }
    }

    // MARK: Worklist

    /// A step on the worklist: the donor, her superovulation and what to do when.
    package struct WorkItem: Encodable, Sendable {
        package let step: SuperovulationStep
        package let superovulationCode: String
        package let donorId: Int64
        package let donor: String
        /// Due on an earlier day and not done yet.
        package let overdue: Bool

        package enum CodingKeys: String, CodingKey {
            case donor, overdue
            case superovulationCode = "superovulation_code"
            case donorId = "donor_id"
        }

        package func encode(to encoder: Encoder) throws {
            try step.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(superovulationCode, forKey: .superovulationCode)
            try container.encode(donorId, forKey: .donorId)
            try container.encode(donor, forKey: .donor)
            try container.encode(overdue, forKey: .overdue)
        }
    }

    /// The steps of active superovulations due on `day`, by time and donor; on `today`, also the
    /// earlier ones still not done, first.
    package func worklist(day: String, today: String) async throws -> [WorkItem] {
        try await database.read { try Self.worklist($0, day: day, today: today, limit: 500) }
    }

    package static func worklist(_ db: Database, day: String, today: String, limit: Int) throws -> [WorkItem] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT st.*, s.code AS run_code, s.donor_id AS run_donor, a.name AS donor_name
                FROM superovulation_steps st
                JOIN superovulations s ON s.id = st.superovulation_id
                JOIN animals a ON a.id = s.donor_id
                WHERE s.status = 'active'
                  AND (st.due_on = :day OR (:day = :today AND st.due_on < :day AND st.done_at IS NULL))
                ORDER BY st.due_on, st.due_time, a.name, st.id LIMIT :limit
                """, arguments: ["day": day, "today": today, "limit": limit])
        return try rows.map { row in
            let step = try SuperovulationStep(row: row)
            return WorkItem(
                step: step, superovulationCode: row["run_code"], donorId: row["run_donor"], donor: row["donor_name"],
                overdue: step.dueOn < day)
        }
    }

    package init(database: AppDatabase, species: [String]) {
        self.database = database
        self.species = species
    }
}
