import Attachments
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Queries and writes for comments. A comment, its audit event and the notifications of the people
/// it mentions commit together; a mention of no one refuses the whole comment.
package struct CommentStore: Sendable {
    package let database: AppDatabase
    package let records: AttachableRecords

    package struct Input: Codable, Sendable {
        package var entityType: String?
        package var entityId: Int64?
        package var body: String?

        package enum CodingKeys: String, CodingKey {
            case body
            case entityType = "entity_type"
            case entityId = "entity_id"
        }

        package init(entityType: String?, entityId: Int64?, body: String?) {
            (self.entityType, self.entityId, self.body) = (entityType, entityId, body)
        }
    }

    /// Adds a comment to a record the caller may read, and tells whom it mentions. The mentioned
    /// must be able to read the record too: a mention is not a way to show a record to someone.
    package func add(_ input: Input, principal: Principal?, context: EventContext) async throws -> Comment {
        let record = try records.record(input.entityType, subject: "Comments")
        guard let entityID = input.entityId, entityID > 0 else {
            throw APIError.validationFailed("Give the id of the \(record.noun).", field: "entity_id")
        }
        let body = try InputCheck.text(input.body, field: "body", limit: Comment.maxBody)
        guard !body.isEmpty else { throw APIError.validationFailed("Write the comment.", field: "body") }
        return try await database.write(context) { write in
            try records.check(record, id: entityID, db: write.db, principal: principal, write: false)
            let mentioned = try Mentions.users(in: body, db: write.db)
            if let blind = mentioned.first(where: { !$0.role.grants(record.read) || !$0.role.grants(.commentsRead) }) {
                throw APIError.validationFailed(
                    "\(blind.displayName) may not read this \(record.noun), so cannot be mentioned.", field: "body")
            }
            var comment = Comment(
                entityType: record.entity, entityId: entityID, body: body, author: context.actorName,
                authorId: context.personID, createdAt: Date())
            try write.insert(&comment)
            let others = mentioned.filter { $0.id != context.personID }
            if !others.isEmpty {
                try Notification.post(
                    write.db, to: others, kind: .mention,
                    title: "\(context.actorName) mentioned you on \(record.noun) \(entityID)",
                    body: String(body.prefix(300)), link: "\(record.page)/\(entityID)#comments")
            }
            return comment
        }
    }

    /// A comment `principal` may read, or 404 (403 when its record is not theirs to read).
    package func comment(id: Int64, principal: Principal?) async throws -> Comment {
        guard let comment = try await database.read({ try Comment.fetchOne($0, key: id) }) else {
            throw APIError.notFound("No such comment.")
        }
        guard let record = records[entity: comment.entityType] else { throw APIError.notFound("No such comment.") }
        guard principal?.can(record.read) == true else {
            throw APIError(
                status: .forbidden, code: "forbidden",
                message: "You do not have permission for this \(record.noun)'s comments (\(record.read)).")
        }
        return comment
    }

    /// Newest first, one page after `after`, of the records of `readable` kinds.
    package func list(
        entityType: String?, entityID: Int64?, readable: [String], after: KeysetPosition?, limit: Int
    ) async throws -> (items: [Comment], next: KeysetPosition?) {
        try await database.read { db in
            var request = Comment.filter(readable.contains(Comment.CodingKeys.entityType))
            if let entityType { request = request.filter(Comment.CodingKeys.entityType == entityType) }
            if let entityID { request = request.filter(Comment.CodingKeys.entityId == entityID) }
            return try request.page(db, order: ListOrder(descending: true), after: after, limit: limit)
        }
    }

    /// The comments of one record in the order they were written, for its page.
    package static func comments(in database: AppDatabase, of entityType: String, id: Int64) async throws
        -> [Comment]
    {
        try await database.read { db in
            try Comment.filter(Comment.CodingKeys.entityType == entityType && Comment.CodingKeys.entityId == id)
                .order(Comment.CodingKeys.id).limit(500).fetchAll(db)
        }
    }

    package init(database: AppDatabase, records: AttachableRecords) {
        self.database = database
        self.records = records
    }
}
