import Animals
import Attachments
import Collaboration
import Customers
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// A few tasks, comments and journal notes on the demo's records, written through the stores as a
/// person would: work assigned to the demo technician (one overdue, one due soon, one done), a
/// comment that mentions them, and an animal's journal with a corrected note.
package struct DemoCollaboration {
    package let database: AppDatabase
    package let time: LabTime
    /// Who the tasks are assigned to and the comment mentions.
    package let staff: User

    private static let writer = Principal(
        userID: nil, email: nil, displayName: "labbox", role: .admin, credential: .accessToken)

    package func generate(context: EventContext) async throws -> String {
        let tasks = TaskStore(database: database, records: .lab, time: time)
        let comments = CommentStore(database: database, records: .lab)
        let notes = NoteStore(database: database, records: .lab, time: time)
        let (animals, customers) = try await database.read { db in
            (
                try Int64.fetchAll(db, sql: "SELECT id FROM animals WHERE deleted_at IS NULL ORDER BY id LIMIT 2"),
                try Int64.fetchAll(db, sql: "SELECT id FROM customers WHERE deleted_at IS NULL ORDER BY id LIMIT 1")
            )
        }
        guard let animal = animals.first, let customer = customers.first else { return "no tasks (no records)" }
        let today = time.isoDay(Date())
        let day = { (offset: Int) in Day.adding(offset, to: today) ?? today }
        let planned: [TaskStore.Input] = [
            .init(
                title: "Repeat the progesterone test", description: "The first value was haemolysed.",
                assigneeId: staff.id, dueOn: day(-1), priority: "high", entityType: Animal.auditEntity,
                entityId: animal),
            .init(
                title: "Ultrasound before the transfer", assigneeId: staff.id, dueOn: day(1),
                entityType: Animal.auditEntity, entityId: animals.last ?? animal),
            .init(
                title: "Ask for the signed submission form", description: "Needed before results are released.",
                dueOn: day(5), entityType: Customer.auditEntity, entityId: customer),
            .init(title: "Order LN2 for next week", assigneeId: staff.id, dueOn: day(3), priority: "urgent"),
            .init(title: "Label the new canisters", assigneeId: staff.id, dueOn: day(-3), status: "done"),
        ]
        var first: LabTask?
        for input in planned {
            let task = try await tasks.create(input, principal: Self.writer, context: context)
            first = first ?? task
        }
        let mention = "@" + (staff.email.split(separator: "@").first.map(String.init) ?? "")
        _ = try await comments.add(
            .init(
                entityType: Animal.auditEntity, entityId: animal,
                body: "\(mention) the owner asks whether she can be flushed next week."),
            principal: Self.writer, context: context)
        if let task = first?.id {
            _ = try await comments.add(
                .init(entityType: LabTask.auditEntity, entityId: task, body: "New tube drawn; in the fridge."),
                principal: Self.writer, context: context)
        }
        let observed = try await notes.add(
            .init(
                entityType: Animal.auditEntity, entityId: animal, observedOn: day(-2),
                body: "Lame on the left hind leg; hoof trimmed."),
            principal: Self.writer, context: context)
        _ = try await notes.add(
            .init(
                entityType: Animal.auditEntity, entityId: animal, observedOn: day(-2),
                body: "Correction: the right hind leg, not the left.", correctsId: observed.id),
            principal: Self.writer, context: context)
        _ = try await notes.add(
            .init(entityType: Animal.auditEntity, entityId: animal, body: "Walking normally again."),
            principal: Self.writer, context: context)
        return "\(planned.count) tasks, 2 comments, 3 journal notes"
    }

    package init(database: AppDatabase, time: LabTime, staff: User) {
        self.database = database
        self.time = time
        self.staff = staff
    }
}
