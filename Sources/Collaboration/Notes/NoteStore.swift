import Attachments
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Queries and writes for journal notes: append only. Adding a note changes the record's clinical
/// account, so it needs the record's write permission as well as notes:write.
package struct NoteStore: Sendable {
    package let database: AppDatabase
    package let records: AttachableRecords
    /// "Today", and the latest day a note may be about, is the lab's day.
    package let time: LabTime

    package struct Input: Codable, Sendable {
        package var entityType: String?
        package var entityId: Int64?
        package var observedOn: String?
        package var body: String?
        package var correctsId: Int64?

        package enum CodingKeys: String, CodingKey {
            case body
            case entityType = "entity_type"
            case entityId = "entity_id"
            case observedOn = "observed_on"
            case correctsId = "corrects_id"
        }

        package init(
            entityType: String?, entityId: Int64?, observedOn: String? = nil, body: String?, correctsId: Int64? = nil
        ) {
            (self.entityType, self.entityId, self.observedOn) = (entityType, entityId, observedOn)
            (self.body, self.correctsId) = (body, correctsId)
        }
    }

    package func add(_ input: Input, principal: Principal?, context: EventContext) async throws -> JournalNote {
        let record = try records.record(input.entityType, subject: "Notes")
        guard let entityID = input.entityId, entityID > 0 else {
            throw APIError.validationFailed("Give the id of the \(record.noun).", field: "entity_id")
        }
        let body = try InputCheck.text(input.body, field: "body", limit: JournalNote.maxBody)
        guard !body.isEmpty else { throw APIError.validationFailed("Write the note.", field: "body") }
        let today = time.isoDay(Date())
        var observed = today
        if let given = input.observedOn, !given.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let day = Day.date(given), Day.text(day) <= today else {
                throw APIError.validationFailed(
                    "Give the day observed as YYYY-MM-DD, not after today.", field: "observed_on")
            }
            observed = Day.text(day)
        }
        let observedOn = observed
        return try await database.write(context) { write in
            try records.check(record, id: entityID, db: write.db, principal: principal, write: true)
            if let corrected = input.correctsId {
                let original = try JournalNote.fetchOne(write.db, key: corrected)
                guard let original, original.entityType == record.entity, original.entityId == entityID else {
                    throw APIError.validationFailed(
                        "Note \(corrected) is not in this \(record.noun)'s journal.", field: "corrects_id")
                }
            }
            var note = JournalNote(
                entityType: record.entity, entityId: entityID, observedOn: observedOn, body: body,
                correctsId: input.correctsId, author: context.actorName, authorId: context.personID,
                createdAt: Date())
            try write.insert(&note)
            return note
        }
    }

    /// A note `principal` may read, or 404 (403 when its record is not theirs to read).
    package func note(id: Int64, principal: Principal?) async throws -> JournalNote {
        guard let note = try await database.read({ try JournalNote.fetchOne($0, key: id) }),
            let record = records[entity: note.entityType]
        else { throw APIError.notFound("No such note.") }
        guard principal?.can(record.read) == true else {
            throw APIError(
                status: .forbidden, code: "forbidden",
                message: "You do not have permission for this \(record.noun)'s journal (\(record.read)).")
        }
        return note
    }

    /// Newest first (by the day observed, then as written), one page after `after`.
    package func list(
        entityType: String?, entityID: Int64?, readable: [String], after: KeysetPosition?, limit: Int
    ) async throws -> (items: [JournalNote], next: KeysetPosition?) {
        try await database.read { db in
            var request = JournalNote.filter(readable.contains(JournalNote.CodingKeys.entityType))
            if let entityType { request = request.filter(JournalNote.CodingKeys.entityType == entityType) }
            if let entityID { request = request.filter(JournalNote.CodingKeys.entityId == entityID) }
            return try request.page(
                db, order: ListOrder(column: "observed_on", descending: true), after: after, limit: limit)
        }
    }

    /// One record's journal, the latest day first, for its page.
    package static func notes(in database: AppDatabase, of entityType: String, id: Int64) async throws
        -> [JournalNote]
    {
        try await database.read { db in
            try JournalNote.filter(
                JournalNote.CodingKeys.entityType == entityType && JournalNote.CodingKeys.entityId == id
            ).order(JournalNote.CodingKeys.observedOn.desc, JournalNote.CodingKeys.id.desc).limit(500).fetchAll(db)
        }
    }

    package init(database: AppDatabase, records: AttachableRecords, time: LabTime) {
        self.database = database
        self.records = records
        self.time = time
    }
}
