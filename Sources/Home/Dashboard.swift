import Animals
import Biobank
import Customers
import Foundation
import GRDB
import LabBoxPlatform

/// The home page's figures: samples per status, customers and animals.
///
/// Counting a million samples takes a noticeable moment and the home page is the most visited,
/// so the figures are cached until one of the tables they come from changes, and warmed at start.
package struct Dashboard: Codable, Sendable {
    package var samplesByStatus: [String: Int]
    package var customers: Int
    package var animals: Int

    private static let key = "dashboard"

    /// Computes the figures at start, so that the first visit finds them. A read that fails on a
    /// starved machine, or a write to their tables while they load (which leaves nothing cached),
    /// makes it try again, a few times.
    package static func warm(_ database: AppDatabase) async {
        for _ in 0..<5 {
            _ = try? await load(database)
            if database.cache.contains(key) { return }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    package static func load(_ database: AppDatabase) async throws -> Dashboard {
        let tables = ["samples", "customers", "animals"]
        return try await database.cache.value(
            key, tags: tables.map(TableInvalidation.tag), ttl: .seconds(3600), cost: 1024
        ) {
            try await database.read { db in
                var byStatus: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM samples GROUP BY status") {
                    byStatus[row["status"]] = row["n"]
                }
                return Dashboard(
                    samplesByStatus: byStatus,
                    customers: try Customer.filter(Column("deleted_at") == nil).fetchCount(db),
                    animals: try Animal.filter(Column("deleted_at") == nil).fetchCount(db))
            }
        }
    }
}
