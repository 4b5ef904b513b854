import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import NIOCore

/// Background jobs: `/api/v1/jobs` (list, one job with its log, cancel, result download) and the
/// `/jobs` pages, where a job's progress bar follows it live. Admins see every job; others theirs;
/// everyone only the kinds whose permission they hold (a backup needs admin).
package struct JobsController {
    package let queue: JobQueue
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/jobs", .signedIn, .listJobs) { request, context in
            let query = ListQuery(request)
            let jobs = try await list(query, context)
            return KeysetPage(
                items: jobs.map { JobResource($0, title: queue.title(of: $0.type)) },
                next: .before(jobs.map(\.id), limit: try query.limit()))
        }
        routes.get("/api/v1/jobs/{id}", .signedIn, .oneJob) { _, context in
            let job = try await visibleJob(context)
            return JobResource(job, title: queue.title(of: job.type), log: try await queue.log(of: job.id ?? 0))
        }
        routes.post("/api/v1/jobs/{id}/cancel", .signedIn, .cancelJob) { _, context in
            let job = try await cancel(context)
            return JobResource(job, title: queue.title(of: job.type))
        }
        routes.get("/api/v1/jobs/{id}/result", .signedIn, .downloadJobResult) { _, context in
            try await download(context)
        }
        routes.get("/jobs", .signedIn) { request, context in try await listPage(request, context) }
        routes.get("/jobs/{id}", .signedIn) { request, context in try await page(request, context) }
        routes.post("/jobs/{id}/cancel", .signedIn) { _, context in
            let job = try await cancel(context)
            return Flash(kind: .info, message: "Cancellation requested.").redirect(to: "/jobs/\(job.id ?? 0)")
        }
    }

    private func list(_ query: ListQuery, _ context: AppRequestContext) async throws -> [Job] {
        guard let principal = context.principal else { throw APIError.unauthorized("Sign in first.") }
        let state = try query.choice("state", in: Job.State.allCases.map(\.rawValue)).flatMap(Job.State.init)
        return try await queue.list(
            userID: principal.can(.admin) ? nil : (principal.userID ?? -1), types: queue.types(visibleTo: principal),
            state: state,
            before: try query.cursor()?.id, limit: try query.limit())
    }

    /// The job named in the path, if the caller may see it; others' jobs are "not found".
    private func visibleJob(_ context: AppRequestContext) async throws -> Job {
        guard let principal = context.principal else { throw APIError.unauthorized("Sign in first.") }
        let id = try context.id()
        guard let job = try await queue.job(id: id), job.isVisible(to: principal, kind: queue.kind(job.type)) else {
            throw APIError.notFound("No such job.")
        }
        return job
    }

    private func cancel(_ context: AppRequestContext) async throws -> Job {
        let job = try await visibleJob(context)
        return try await queue.cancel(id: job.id ?? 0, context: context.eventContext)
    }

    private func download(_ context: AppRequestContext) async throws -> Response {
        let job = try await visibleJob(context)
        guard job.state == .succeeded, let file = job.resultFile else {
            throw APIError.notFound("This job has no result file.")
        }
        return try await FileDownload.response(
            URL(fileURLWithPath: queue.dataDirectory).appendingPathComponent(file), context: context)
    }

    private func listPage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let jobs = try await list(query, context)
        let limit = try query.limit()
        return pages.page(
            "administration/jobs", title: "Jobs", section: "jobs", request: request, context: context,
            model: JobsPage(
                jobs: jobs.map { job in
                    JobsPage.Row(
                        id: job.id ?? 0, title: queue.title(of: job.type), state: job.state.rawValue,
                        progress: job.progress, message: job.message, startedBy: job.startedBy,
                        scheduled: job.schedule != nil, created: pages.time.text(job.createdAt))
                },
                empty: jobs.isEmpty,
                states: Job.State.allCases.map { .init(value: $0.rawValue, selected: query["state"] == $0.rawValue) },
                next: query.nextPage(keeping: ["state"], after: .before(jobs.map(\.id), limit: limit))))
    }

    /// `jobs.mustache`.
    struct JobsPage: Encodable {
        struct Row: Encodable {
            let id: Int64
            let title: String
            let state: String
            let progress: Int
            let message: String
            let startedBy: String
            let scheduled: Bool
            let created: String
        }
        struct State: Encodable {
            let value: String
            let selected: Bool
        }
        let jobs: [Row]
        let empty: Bool
        let states: [State]
        /// The query of the next page, nil on the last.
        let next: String?
    }

    private func page(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let job = try await visibleJob(context)
        let id = job.id ?? 0
        let summary = JobResource(job, title: "").result ?? [:]
        return pages.page(
            "administration/job", title: "\(queue.title(of: job.type)) #\(id)", section: "jobs", request: request,
            context: context,
            model: JobPage(
                id: id, state: job.state.rawValue, progress: job.progress, message: job.message,
                startedBy: job.startedBy, schedule: job.schedule ?? "", scheduled: job.schedule != nil,
                created: pages.time.text(job.createdAt), active: !job.state.isFinished,
                attempts: "\(job.attempts) of \(job.maxAttempts)", error: job.error ?? "", hasError: job.error != nil,
                summary: summary.sorted { $0.key < $1.key }.map { name, value in
                    .init(
                        name: name.prefix(1).uppercased() + name.dropFirst().replacingOccurrences(of: "_", with: " "),
                        value: value)
                },
                hasResult: job.state == .succeeded && job.resultFile != nil, log: try await queue.log(of: id)))
    }

    /// `job.mustache`.
    struct JobPage: Encodable {
        struct Fact: Encodable {
            let name: String
            let value: String
        }
        let id: Int64
        let state: String
        let progress: Int
        let message: String
        let startedBy: String
        let schedule: String
        let scheduled: Bool
        let created: String
        let active: Bool
        let attempts: String
        let error: String
        let hasError: Bool
        let summary: [Fact]
        let hasResult: Bool
        let log: [String]
    }

    package init(queue: JobQueue, pages: PageRenderer) {
        self.queue = queue
        self.pages = pages
    }
}
