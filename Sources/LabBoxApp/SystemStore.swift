import Biobank
import Foundation
import GRDB
import LabBoxPlatform

/// The queries of the system health page and API: what the schema is, how jobs and mail stand,
/// what failed today and which tanks are overdue.
struct SystemStore {
    let database: AppDatabase

    func figures(fillDays: Int) async throws -> (
        schema: String, jobs: [String: Int], outbox: [String: Int], failedToday: Int, tanksOverdue: Int
    ) {
        let dayAgo = Date().addingTimeInterval(-86_400)
        return try await database.read { db in
            (
                try String.fetchOne(db, sql: "SELECT max(identifier) FROM grdb_migrations") ?? "",
                try Self.counts(db, sql: "SELECT state, count(*) FROM jobs GROUP BY state"),
                try Self.counts(db, sql: "SELECT state, count(*) FROM email_outbox GROUP BY state"),
                try Job.filter(Job.CodingKeys.state == Job.State.failed && Job.CodingKeys.finishedAt > dayAgo)
                    .fetchCount(db),
                try TankReminders.overdue(db, fillDays: fillDays, now: Date()).count
            )
        }
    }

    /// `state, count(*)` rows as a dictionary.
    private static func counts(_ db: Database, sql: String) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: sql) { counts[row[0]] = row[1] }
        return counts
    }
}
