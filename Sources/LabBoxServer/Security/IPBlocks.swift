import Foundation
import GRDB
import LabBoxPlatform
import LabBoxValues
import Synchronization

package struct IPBlock: Codable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "ip_blocks"
    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case ip, reason
        case blockedAt = "blocked_at"
        case expiresAt = "expires_at"
    }

    package var ip: String
    package var reason: String
    package var blockedAt: Date
    package var expiresAt: Date
}

/// Temporary blocks of client addresses, kept in the database (they survive a restart) and
/// mirrored in memory, because every request is checked against them.
package final class IPBlocks: Sendable {
    package let database: AppDatabase
    private let active = Mutex<[String: Date]>([:])

    package init(database: AppDatabase) throws {
        self.database = database
        let now = Date()
        let rows = try database.pool.read { try IPBlock.filter(Column("expires_at") > now).fetchAll($0) }
        active.withLock { active in
            for row in rows { active[row.ip] = row.expiresAt }
        }
    }

    package func isBlocked(_ ip: String, now: Date = Date()) -> Bool {
        active.withLock { $0[ip].map { $0 > now } ?? false }
    }

    package func block(_ ip: String, for duration: TimeInterval, reason: String, event: EventContext) async throws {
        let now = Date()
        let block = IPBlock(ip: ip, reason: reason, blockedAt: now, expiresAt: now.addingTimeInterval(duration))
        try await database.write { db in
            try block.save(db)
            try SecurityEvent.record(
                db, kind: .ipBlocked, user: nil, event: event,
                detail: "\(ip) until \(block.expiresAt.formatted(.iso8601)): \(reason)")
        }
        active.withLock { $0[ip] = block.expiresAt }
    }

    package func lift(_ ip: String, by actor: Principal, event: EventContext) async throws {
        let deleted = try await database.write { db in
            let deleted = try IPBlock.deleteOne(db, key: ip)
            if deleted {
                try SecurityEvent.record(
                    db, kind: .ipUnblocked, user: nil, event: event, detail: "\(ip) by \(actor.logDescription)")
            }
            return deleted
        }
        guard deleted else { throw APIError.notFound("\(ip) is not blocked.") }
        active.withLock { $0[ip] = nil }
    }

    package func current() async throws -> [IPBlock] {
        let now = Date()
        return try await database.read {
            try IPBlock.filter(Column("expires_at") > now).order(Column("blocked_at").desc).fetchAll($0)
        }
    }
}
