import Customers
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The nightly retention rule for people's data (`privacy.retention`): a customer with no change,
/// order, invoice, payment or animal change for `privacy.retention_years` is flagged for review,
/// or erased, as `privacy.retention_action` says. One who became active again loses the flag.
package struct PersonalDataRetention: Sendable {
    package let erasure: Erasure

    package static let schedule = ScheduledTask(
        name: "privacy_retention", title: "Personal data retention", jobType: "privacy.retention",
        defaultCron: "45 3 * * *")

    /// A customer and the last day anything of theirs changed.
    package struct Candidate: Sendable {
        package let id: Int64
        package let lastActive: String
        package let flagged: Bool
    }

    /// Customers not yet erased, with their last activity.
    static let activitySQL = """
        SELECT c.id, c.retention_flagged_at IS NOT NULL AS flagged, max(c.updated_at,
            coalesce((SELECT max(updated_at) FROM lab_orders WHERE customer_id = c.id), ''),
            coalesce((SELECT max(updated_at) FROM invoices WHERE customer_id = c.id), ''),
            coalesce((SELECT max(created_at) FROM payments WHERE customer_id = c.id), ''),
            coalesce((SELECT max(updated_at) FROM animals WHERE owner_id = c.id), '')) AS last_active
        FROM customers c
        WHERE NOT EXISTS (
            SELECT 1 FROM privacy_erasures WHERE subject_type = 'customer' AND subject_id = CAST(c.id AS TEXT))
        """

    /// Every customer not erased, with whether they are inactive at `now`.
    package static func activity(_ db: Database, years: Int, now: Date = Date()) throws -> (
        inactive: [Candidate], activeButFlagged: [Candidate]
    ) {
        let cutoff = (Calendar(identifier: .gregorian).date(byAdding: .year, value: -years, to: now) ?? now)
            .databaseText
        let all = try Row.fetchAll(db, sql: activitySQL).map {
            Candidate(id: $0["id"], lastActive: $0["last_active"], flagged: $0["flagged"])
        }
        return (all.filter { $0.lastActive < cutoff }, all.filter { $0.flagged && $0.lastActive >= cutoff })
    }

    package var job: JobKind {
        JobKind(
            type: "privacy.retention", title: "Personal data retention", permission: "admin", maxAttempts: 3,
            onInterrupt: .retry
        ) { execution in
            let settings = erasure.settings
            let rule = "Inactive for \(settings.retentionYears) years (privacy.retention_years)"
            execution.progress(10, "Finding inactive customers")
            let (inactive, active) = try await execution.database.read { db in
                try Self.activity(db, years: settings.retentionYears)
            }
            var counts = ["inactive": inactive.count, "flagged": 0, "unflagged": 0, "erased": 0, "kept": 0]
            counts["unflagged"] = try await setFlag(false, on: active, reason: "Active again", execution)
            switch settings.retentionAction {
            case .off:
                break
            case .flag:
                counts["flagged"] = try await setFlag(
                    true, on: inactive.filter { !$0.flagged }, reason: rule, execution)
            case .erase:
                for candidate in inactive {
                    do {
                        _ = try await erasure.erase(customer: candidate.id, reason: rule, context: execution.context)
                        counts["erased", default: 0] += 1
                    } catch let error as APIError where error.code == "retention_required" {
                        counts["kept", default: 0] += 1
                    }
                }
            }
            let summary = counts.mapValues(String.init)
            execution.log(summary.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
            return JobOutcome(
                message: "Retention rule applied (\(settings.retentionAction.rawValue))", summary: summary)
        }
    }

    private func setFlag(_ flag: Bool, on candidates: [Candidate], reason: String, _ execution: JobExecution)
        async throws -> Int
    {
        guard !candidates.isEmpty else { return 0 }
        return try await execution.database.write(execution.context) { write in
            for candidate in candidates {
                guard let customer = try Customer.fetchOne(write.db, key: candidate.id) else { continue }
                var changed = customer
                changed.retentionFlaggedAt = flag ? Date() : nil
                try write.update(
                    changed, from: customer, action: flag ? "retention.flag" : "retention.unflag", reason: reason)
            }
            return candidates.count
        }
    }

    package init(erasure: Erasure) {
        self.erasure = erasure
    }
}
