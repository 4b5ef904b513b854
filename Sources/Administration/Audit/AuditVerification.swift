import Foundation
import LabBoxPlatform
import LabBoxServer

/// The chain's verification as a job: it re-hashes every event (1.1 million took 6.5 s), too long
/// for a request, so the audit page and `POST /api/v1/audit/verify` start it and its progress bar
/// follows it. A broken chain fails the job, as a failed backup check does, so the starter is told.
package struct AuditVerification: Sendable {
    package static let type = "audit.verify"
    package let database: AppDatabase

    package var job: JobKind {
        JobKind(type: Self.type, title: "Audit chain verification", permission: Permission.auditRead.rawValue) {
            execution in
            execution.progress(0, "Checking the chain")
            let result = try await database.read { db in
                try AuditTrail.verify(db) { checked, total in
                    try execution.checkpoint()
                    execution.progress(
                        total == 0 ? 100 : checked * 100 / total, "Checked \(checked) of \(total) events")
                }
            }
            if let problem = result.problem { throw JobFailure(message: "The audit chain is broken: \(problem)") }
            let archived = result.archivedThrough > 0 ? " (events up to \(result.archivedThrough) archived)" : ""
            return JobOutcome(
                message: "Audit chain intact: \(result.count) events verified\(archived)",
                summary: [
                    "intact": "true", "events": String(result.count), "head_hash": result.headHash,
                    "archived_through": String(result.archivedThrough),
                ])
        }
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}
