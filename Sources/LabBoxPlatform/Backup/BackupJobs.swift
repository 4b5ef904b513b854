import Foundation

/// The backup work the queue runs: `backup` (started by an admin or the nightly schedule, then
/// rotated) and `backup.verify`.
package struct BackupJobs: Sendable {
    package let backups: Backups
    package let keepDaily: Int
    package let keepWeekly: Int

    package static let nightly = ScheduledTask(
        name: "nightly_backup", title: "Nightly backup", jobType: "backup", defaultCron: "30 2 * * *")

    package struct VerifyParameters: Codable, Sendable {
        package let file: String

        package init(file: String) {
            self.file = file
        }
    }

    package var create: JobKind {
        JobKind(type: "backup", title: "Backup", permission: "admin", maxAttempts: 3, onInterrupt: .retry) {
            execution in
            let created = try await backups.create(
                report: { execution.progress($0, $1) }, checkpoint: { try execution.checkpoint() })
            execution.log("Wrote \(created.archive.lastPathComponent) (\(created.bytes) bytes)")
            let dropped = try backups.rotate(daily: keepDaily, weekly: keepWeekly)
            if !dropped.isEmpty { execution.log("Rotation removed \(dropped.joined(separator: ", "))") }
            return JobOutcome(
                message: "Backup \(created.archive.lastPathComponent) written",
                summary: [
                    "file": created.archive.lastPathComponent, "bytes": String(created.bytes),
                    "schema": created.manifest.schemaVersion, "audit_head": created.manifest.auditHeadHash,
                    "rotated_out": String(dropped.count),
                ],
                file: "backups/" + created.archive.lastPathComponent)
        }
    }

    package var verify: JobKind {
        JobKind(type: "backup.verify", title: "Backup verification", permission: "admin") { execution in
            let name = try execution.job.decodedParameters(VerifyParameters.self).file
            guard Backups.isArchiveName(name) else {
                throw JobFailure(message: "'\(name)' is not a LabBox backup name")
            }
            execution.progress(10, "Unpacking and checking \(name)")
            let report = BackupCheck.verify(backups.directory.appendingPathComponent(name), key: backups.key)
            for check in report.checks {
                execution.log("\(check.passed ? "ok" : "FAILED") \(check.name): \(check.detail)")
            }
            guard report.passed else {
                let failed = report.checks.filter { !$0.passed }.map(\.name).joined(separator: ", ")
                throw JobFailure(message: "\(name) failed: \(failed)")
            }
            var summary = Dictionary(uniqueKeysWithValues: report.checks.map { ($0.name, $0.detail) })
            summary["file"] = name
            return JobOutcome(message: "\(name) verified", summary: summary)
        }
    }

    package init(backups: Backups, keepDaily: Int, keepWeekly: Int) {
        self.backups = backups
        self.keepDaily = keepDaily
        self.keepWeekly = keepWeekly
    }
}
