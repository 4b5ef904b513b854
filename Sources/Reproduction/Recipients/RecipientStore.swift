import Animals
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Recipients and their checks on transfer day: with `RecipientDetail.swift` and `TransferDay.swift`
/// (the reads), the only place with their SQL. Every write is audited; a transfer to an enrolled
/// recipient is held to the synchrony rule and uses her enrolment in the transfer's transaction.
package struct RecipientStore: Sendable {
    package let database: AppDatabase
    package let settings: ReproductionSettings

    /// An enrolment, as created or changed.
    package struct Input: Codable, Sendable {
        package var animalId: Int64?
        package var `protocol`: String?
        package var oestrusOn: String?
        package var status: String?
        package var notes: String?
        package var reason: String?

        package enum CodingKeys: String, CodingKey {
            case `protocol`, status, notes, reason
            case animalId = "animal_id"
            case oestrusOn = "oestrus_on"
        }

        package init(
            animalId: Int64? = nil, protocol: String? = nil, oestrusOn: String? = nil, status: String? = nil,
            notes: String? = nil, reason: String? = nil
        ) {
            self.animalId = animalId
            self.protocol = `protocol`
            self.oestrusOn = oestrusOn
            self.status = status
            self.notes = notes
            self.reason = reason
        }
    }

    /// Enrols a female as a recipient; she may have one open enrolment at a time.
    package func enrol(_ input: Input, context: EventContext) async throws -> Recipient {
        try Self.bounded(input)
        return try await database.write(context) { write in
            let animal = try Breeding.animal(write.db, input.animalId, field: "animal_id", sex: .female)
            if let open = try Self.open(write.db, animal: animal.id ?? 0) {
                throw Self.conflict(
                    "\(animal.name) is enrolled already (recipient #\(open.id ?? 0), \(open.status.rawValue)).",
                    field: "animal_id")
            }
            var recipient = Recipient(
                animalId: animal.id ?? 0, protocol: FormText.text(input.protocol) ?? "natural heat", createdAt: Date())
            recipient.oestrusOn = try Self.day(input.oestrusOn, field: "oestrus_on")
            recipient.notes = FormText.text(input.notes) ?? ""
            try write.insert(&recipient)
            return recipient
        }
    }

    /// Changes an open enrolment: a new oestrus date synchronises a skipped recipient again (she is
    /// available once more); `retired` ends the enrolment. A used or retired one is history.
    package func update(id: Int64, _ input: Input, context: EventContext) async throws -> Recipient {
        try Self.bounded(input)
        let status = try input.status.map { (text: String) throws -> Recipient.Status in
            guard let status = Recipient.Status(rawValue: text), [.available, .retired].contains(status) else {
                throw APIError.validationFailed(
                    "The status is available or retired (a transfer makes her used).", field: "status")
            }
            return status
        }
        return try await database.write(context) { write in
            let previous = try Self.recipient(write.db, id: id)
            guard previous.status.isOpen else {
                throw Self.conflict(
                    "Recipient #\(id) is \(previous.status.rawValue); enrol her again instead.", field: "status")
            }
            var recipient = previous
            if let text = FormText.text(input.protocol) { recipient.protocol = text }
            if let day = try Self.day(input.oestrusOn, field: "oestrus_on") {
                recipient.oestrusOn = day
                if day != previous.oestrusOn, previous.status == .skipped { recipient.status = .available }
            }
            if let status { recipient.status = status }
            if let notes = input.notes { recipient.notes = notes.trimmingCharacters(in: .whitespacesAndNewlines) }
            recipient.updatedAt = Date()
            let reason = FormText.text(input.reason)
            if recipient.status == .retired, reason == nil {
                throw APIError.validationFailed("Say why she is no longer a recipient.", field: "reason")
            }
            try write.update(recipient, from: previous, reason: reason)
            return recipient
        }
    }

    /// Refuses a text over its bound before anything else is looked at, naming it.
    private static func bounded(_ input: Input) throws {
        for (text, field, limit) in [
            (input.protocol, "protocol", 200), (input.notes, "notes", 2000), (input.reason, "reason", 2000),
        ] {
            try InputCheck.length(text ?? "", field: field, limit: limit)
        }
    }

    /// A day as `YYYY-MM-DD` (an oestrus may be expected, so the future is allowed); nil when empty.
    private static func day(_ text: String?, field: String) throws -> String? {
        guard let text = FormText.text(text) else { return nil }
        guard let date = Day.date(text) else {
            throw APIError.validationFailed("Give the day of her oestrus as YYYY-MM-DD.", field: field)
        }
        return Day.text(date)
    }

    static func recipient(_ db: Database, id: Int64) throws -> Recipient {
        guard let recipient = try Recipient.fetchOne(db, key: id) else {
            throw APIError.notFound("No recipient has id \(id).")
        }
        return recipient
    }

    /// The animal's open enrolment (available or skipped), if she has one.
    static func open(_ db: Database, animal id: Int64) throws -> Recipient? {
        try Recipient.fetchOne(
            db, sql: "SELECT * FROM recipients WHERE animal_id = ? AND status IN ('available', 'skipped')",
            arguments: [id])
    }

    static func conflict(_ message: String, field: String) -> APIError {
        APIError(status: .conflict, code: "conflict", message: message, field: field)
    }

    // MARK: The check on transfer day

    package struct CheckInput: Codable, Sendable {
        package var checkedOn: String?
        package var clPresent: Bool?
        package var clSide: String?
        package var clScore: Int?
        package var suitable: Bool?
        package var skipReason: String?
        package var skipNote: String?

        package enum CodingKeys: String, CodingKey {
            case suitable
            case checkedOn = "checked_on"
            case clPresent = "cl_present"
            case clSide = "cl_side"
            case clScore = "cl_score"
            case skipReason = "skip_reason"
            case skipNote = "skip_note"
        }

        package init(
            checkedOn: String? = nil, clPresent: Bool? = nil, clSide: String? = nil, clScore: Int? = nil,
            suitable: Bool? = nil, skipReason: String? = nil, skipNote: String? = nil
        ) {
            self.checkedOn = checkedOn
            self.clPresent = clPresent
            self.clSide = clSide
            self.clScore = clScore
            self.suitable = suitable
            self.skipReason = skipReason
            self.skipNote = skipNote
        }
    }

    /// Records the check at the chute: a recipient without a corpus luteum, or found unsuitable
    /// for another reason given, is skipped (her enrolment says so, with the reason, until she is
    /// synchronised again). Once a day per recipient.
    package func check(recipient id: Int64, _ input: CheckInput, context: EventContext) async throws -> RecipientCheck {
        let note = try InputCheck.text(input.skipNote, field: "skip_note", limit: 500)
        guard let present = input.clPresent else {
            throw APIError.validationFailed("Say whether a corpus luteum is present.", field: "cl_present")
        }
        let side = try InputCheck.text(input.clSide, field: "cl_side", limit: 10)
        guard present ? ["left", "right"].contains(side) : side.isEmpty else {
            throw APIError.validationFailed(
                present ? "The corpus luteum is on the left or right." : "No corpus luteum, so no side.",
                field: "cl_side")
        }
        if let score = input.clScore {
            guard present, (1...3).contains(score) else {
                throw APIError.validationFailed("A corpus luteum present is scored 1 (best) to 3.", field: "cl_score")
            }
        }
        let suitable = input.suitable ?? present
        let given = try input.skipReason.flatMap { FormText.text($0) }.map {
            (text: String) throws -> RecipientCheck.SkipReason in
            guard let reason = RecipientCheck.SkipReason(rawValue: text), reason != .none else {
                throw APIError.validationFailed(
                    "The reason is one of "
                        + RecipientCheck.SkipReason.allCases.dropFirst().map(\.rawValue).joined(separator: ", ") + ".",
                    field: "skip_reason")
            }
            return reason
        }
        if suitable {
            guard present else {
                throw APIError.validationFailed(
                    "Without a corpus luteum she cannot receive an embryo.", field: "suitable")
            }
            guard given == nil else {
                throw APIError.validationFailed(
                    "A suitable recipient has no reason to be skipped.", field: "skip_reason")
            }
        } else {
            guard given != nil || !present else {
                throw APIError.validationFailed("Say why she is skipped.", field: "skip_reason")
            }
            if given == .other, note.isEmpty {
                throw APIError.validationFailed("Describe the other reason.", field: "skip_note")
            }
        }
        // Without a corpus luteum, that is the reason unless another is given.
        let reason = suitable ? RecipientCheck.SkipReason.none : given ?? .noCL
        let checkedOn = try Day.past(input.checkedOn, field: "checked_on", label: "check date")
        return try await database.write(context) { write in
            let previous = try Self.recipient(write.db, id: id)
            guard previous.status == .available else {
                throw Self.conflict(
                    previous.status == .skipped
                        ? "Recipient #\(id) was skipped; synchronise her again (a new oestrus date) first."
                        : "Recipient #\(id) is \(previous.status.rawValue).", field: "status")
            }
            guard
                try Int.fetchOne(
                    write.db, sql: "SELECT count(*) FROM recipient_checks WHERE recipient_id = ? AND checked_on = ?",
                    arguments: [id, checkedOn]) == 0
            else { throw Self.conflict("Recipient #\(id) was checked on \(checkedOn) already.", field: "checked_on") }
            var check = RecipientCheck(
                recipientId: id, checkedOn: checkedOn, clPresent: present, clSide: side, clScore: input.clScore,
                suitable: suitable, skipReason: reason, skipNote: note, checkedBy: write.context.actorName,
                createdAt: Date())
            try write.insert(&check, action: "recipient.check")
            if !suitable {
                var recipient = previous
                recipient.status = .skipped
                recipient.updatedAt = Date()
                try write.update(
                    recipient, from: previous, action: "recipient.skip",
                    reason: [check.skipReason.label, note].filter { !$0.isEmpty }.joined(separator: ": "))
            }
            return check
        }
    }

    // MARK: The transfer

    /// The day of development of `embryo` on `day`: a fresh IVP embryo's age since fertilisation
    /// (it keeps growing in culture), else the day it was graded or frozen on.
    static func embryoDay(_ db: Database, _ embryo: Embryo, on day: String) throws -> Int {
        guard embryo.fate == .inCulture, let batchID = embryo.batchId,
            let fertilised = try String.fetchOne(
                db, sql: "SELECT fertilised_on FROM ivf_batches WHERE id = ?", arguments: [batchID]),
            let age = Day.between(fertilised, day), age >= embryo.day
        else { return embryo.day }
        return age
    }

    /// Holds a transfer to an enrolled recipient to her enrolment: not to one skipped at her
    /// check, not before her oestrus is known, and each embryo's day within the synchrony
    /// setting of her cycle day; then her enrolment is used by the transfer. An animal never
    /// enrolled is transferred to as before.
    static func use(
        _ animal: Animal, for transfer: Transfer, embryos: [Embryo], tolerance: Int, in write: AuditedWrite
    ) throws {
        let db = write.db
        guard let previous = try open(db, animal: animal.id ?? 0) else { return }
        guard previous.status == .available else {
            let check = try RecipientCheck.filter(RecipientCheck.CodingKeys.recipientId == previous.id)
                .order(RecipientCheck.CodingKeys.id.desc).fetchOne(db)
            throw conflict(
                "\(animal.name) was skipped" + (check.map { " on \($0.checkedOn) (\($0.summary))" } ?? "")
                    + "; synchronise her again before a transfer.", field: "recipient_id")
        }
        guard let cycleDay = previous.cycleDay(on: transfer.transferredOn) else {
            throw conflict(
                "\(animal.name)'s oestrus date is not recorded, so her synchrony cannot be checked.",
                field: "recipient_id")
        }
        for embryo in embryos {
            let day = try Self.embryoDay(db, embryo, on: transfer.transferredOn)
            guard abs(cycleDay - day) <= tolerance else {
                throw conflict(
                    "Out of synchrony: \(animal.name) is on cycle day \(cycleDay) on \(transfer.transferredOn); "
                        + "\(embryo.code) is a day-\(day) embryo (at most ±\(tolerance) allowed).",
                    field: "embryo_ids")
            }
        }
        var recipient = previous
        recipient.status = .used
        recipient.transferId = transfer.id
        recipient.updatedAt = Date()
        try write.update(
            recipient, from: previous, action: "recipient.use", reason: "transfer #\(transfer.id ?? 0)")
    }

    package init(database: AppDatabase, settings: ReproductionSettings) {
        self.database = database
        self.settings = settings
    }
}
