import Attachments
import Foundation
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The work around one record, as its page shows it beside its files and history
/// (`collaboration/panel.mustache`, which the record's template includes): the tasks about it,
/// its comments in the order written, and its journal, the latest day first. Each part is left
/// out when the person may not read it; the forms when they may not write.
package struct RecordActivity: Encodable, Sendable {
    struct TaskItem: Encodable, Sendable {
        let id: Int64
        let title: String
        let status: String
        let closed: Bool
        let due: String?
    }
    struct CommentItem: Encodable, Sendable {
        let id: Int64
        let author: String
        let at: String
        let body: String
    }
    struct NoteItem: Encodable, Sendable {
        let id: Int64
        let observedOn: String
        let author: String
        let at: String
        let body: String
        /// The earlier note this one corrects.
        let corrects: Int64?
    }
    struct Part<Item: Encodable & Sendable>: Encodable, Sendable {
        let items: [Item]
        let count: Int
        let hasItems: Bool
        let canWrite: Bool

        init(_ items: [Item], canWrite: Bool) {
            (self.items, count, hasItems, self.canWrite) = (items, items.count, !items.isEmpty, canWrite)
        }
    }

    let entityType: String
    let entityId: Int64
    let noun: String
    /// Where the forms return to.
    let page: String
    // Named apart from any record page's own keys: an absent part must not show the page's.
    let taskSection: Part<TaskItem>?
    let commentSection: Part<CommentItem>?
    let journalSection: Part<NoteItem>?
    /// Today on the lab's calendar: the journal form's default and latest day.
    let today: String

    /// The panel of record `id`, or nil when `principal` may see none of it.
    package static func load(
        _ record: AttachableRecord, id: Int64, database: AppDatabase, principal: Principal?, time: LabTime
    ) async throws -> RecordActivity? {
        guard let principal, principal.can(record.read) else { return nil }
        var tasks: Part<TaskItem>?
        // A task is not about itself: its page shows its own comments and notes only.
        if principal.can(.tasksRead), record.entity != LabTask.auditEntity {
            let items = try await TaskStore.tasks(in: database, of: record.entity, id: id).map {
                TaskItem(
                    id: $0.id ?? 0, title: $0.title, status: $0.status.label, closed: !$0.status.isOpen, due: $0.dueOn)
            }
            tasks = Part(items, canWrite: principal.can(.tasksWrite))
        }
        var comments: Part<CommentItem>?
        if principal.can(.commentsRead) {
            let items = try await CommentStore.comments(in: database, of: record.entity, id: id).map {
                CommentItem(id: $0.id ?? 0, author: $0.author, at: time.text($0.createdAt), body: $0.body)
            }
            comments = Part(items, canWrite: principal.can(.commentsWrite))
        }
        var notes: Part<NoteItem>?
        if principal.can(.notesRead) {
            let items = try await NoteStore.notes(in: database, of: record.entity, id: id).map {
                NoteItem(
                    id: $0.id ?? 0, observedOn: $0.observedOn, author: $0.author, at: time.text($0.createdAt),
                    body: $0.body, corrects: $0.correctsId)
            }
            notes = Part(items, canWrite: principal.can(.notesWrite) && principal.can(record.write))
        }
        guard tasks != nil || comments != nil || notes != nil else { return nil }
        return RecordActivity(
            entityType: record.entity, entityId: id, noun: record.noun, page: "\(record.page)/\(id)",
            taskSection: tasks,
            commentSection: comments, journalSection: notes, today: time.isoDay(Date()))
    }
}
