import Foundation
import Hummingbird
import LabBoxPlatform

/// A job as the API shows it.
package struct JobResource: ResponseEncodable, Sendable {
    package let id: Int64
    package let type: String
    package let title: String
    package let state: Job.State
    package let progress: Int
    package let message: String
    package let result: [String: String]?
    package let resultURL: String?
    package let error: String?
    package let attempts: Int
    package let maxAttempts: Int
    package let cancelRequested: Bool
    package let startedBy: String
    package let schedule: String?
    package let createdAt: Date
    package let startedAt: Date?
    package let finishedAt: Date?
    package let log: [String]?

    package init(_ job: Job, title: String, log: [String]? = nil) {
        let id = job.id ?? 0
        (self.id, type, self.title, state, progress, message) =
            (id, job.type, title, job.state, job.progress, job.message)
        result = job.result.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
        resultURL = job.resultFile == nil ? nil : "/api/v1/jobs/\(id)/result"
        (error, attempts, maxAttempts, cancelRequested) = (
            job.error, job.attempts, job.maxAttempts, job.cancelRequested
        )
        (startedBy, schedule) = (job.startedBy, job.schedule)
        (createdAt, startedAt, finishedAt) = (job.createdAt, job.startedAt, job.finishedAt)
        self.log = log
    }

    package enum CodingKeys: String, CodingKey {
        case id, type, title, state, progress, message, result, error, attempts, schedule, log
        case resultURL = "result_url"
        case maxAttempts = "max_attempts"
        case cancelRequested = "cancel_requested"
        case startedBy = "started_by"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}

extension JobKind {
    /// Whether `principal` holds the permission this kind declares (``permission``).
    package func isPermitted(to principal: Principal) -> Bool {
        principal.can(Permission(rawValue: permission))
    }
}

extension Job {
    /// A job is visible to a caller its kind permits: to admins all of them, to others those they
    /// started. A job of a kind no longer registered is visible to nobody.
    package func isVisible(to principal: Principal, kind: JobKind?) -> Bool {
        guard kind?.isPermitted(to: principal) == true else { return false }
        return principal.can(.admin) || (userId != nil && userId == principal.userID)
    }
}

extension JobQueue {
    /// The job types `principal` is permitted to see.
    package func types(visibleTo principal: Principal) -> [String] {
        registeredKinds.filter { $0.isPermitted(to: principal) }.map(\.type)
    }
}

/// Sent as JSON as it is; the scheduler (a floor below) builds it without knowing HTTP.
extension ScheduleResource: ResponseEncodable {}
