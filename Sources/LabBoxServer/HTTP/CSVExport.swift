import Foundation
import Hummingbird
import LabBoxPlatform

/// The one way a list is exported as CSV: the list's filters, its columns and its rows in keyset
/// batches. The API streams the file (constant memory at any size) or starts a background job; the
/// page's button streams a small selection and hands a large one (more than ``streamedAtMost``
/// rows) to a job, whose page shows a progress bar and the download link when it is done. Each
/// export needs its list's read permission (docs/decisions/0036).
package struct CSVExport: Sendable {
    package typealias Rows = [(key: Int64, values: [String])]

    /// What a request's filters select: how many rows, the batch after a key, and the job that
    /// writes the same selection to a file.
    package struct Selection: Sendable {
        /// The whole header: the fixed columns and those the export adds as it runs.
        package let header: [String]
        package let count: @Sendable () async throws -> Int
        package let batch: @Sendable (_ after: Int64) async throws -> Rows
        package let enqueue: @Sendable (_ jobs: JobQueue, _ by: Int64?, _ context: EventContext) async throws -> Job
    }

    /// Above this many rows the page's export runs in the background.
    package static let streamedAtMost = 10_000
    /// Rows per batch: a batch's memory, not the file's.
    package static let batchSize = 2000

    /// The file's and the job's name: `samples` → `samples.csv`, job `samples.export`.
    package let name: String
    /// The job's title: `Sample export`.
    package let title: String
    package let permission: Permission
    package let columns: [String]
    /// The filters of a request, checked (a bad one is refused before anything is written).
    package let select: @Sendable (Request, AppRequestContext) async throws -> Selection
    /// The background job (`<name>.export`), registered with the job queue.
    package let job: JobKind

    /// An export of the records `rows(filter, after, limit)` returns in key order, for the
    /// `Filter` a request's query parameters give (`filter`, which throws for a bad one). The
    /// filter is what the job keeps, so it must be `Codable`. `more` gives the columns after
    /// `columns` that are known only when an export runs (a record type's custom fields, decision
    /// 0043); `rows` gets them, to fill their cells in that order.
    package init<Filter: Codable & Sendable>(
        name: String, title: String, permission: Permission, columns: [String],
        more: @escaping @Sendable () async throws -> [String] = { [] },
        filter: @escaping @Sendable (Request, AppRequestContext) async throws -> Filter,
        count: @escaping @Sendable (Filter) async throws -> Int,
        rows: @escaping @Sendable (Filter, _ after: Int64, _ limit: Int, _ more: [String]) async throws -> Rows
    ) {
        self.name = name
        self.title = title
        self.permission = permission
        self.columns = columns
        let type = "\(name).export"
        select = { request, context in
            let filter = try await filter(request, context)
            let extra = try await more()
            return Selection(
                header: columns + extra, count: { try await count(filter) },
                batch: { try await rows(filter, $0, Self.batchSize, extra) },
                enqueue: { jobs, by, context in
                    try await jobs.enqueue(type, parameters: filter, by: by, context: context)
                })
        }
        job = JobKind(type: type, title: title, permission: permission.rawValue) { execution in
            let filter = try execution.job.decodedParameters(Filter.self)
            let extra = try await more()
            let total = max(try await count(filter), 1)
            let (relative, url) = try execution.resultFile(named: "\(name).csv")
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw JobFailure(message: "cannot create \(relative)")
            }
            let output = try FileHandle(forWritingTo: url)
            defer { try? output.close() }
            var written = 0
            let lines = try await CSVResponse.write(
                header: columns + extra,
                next: { after in
                    try execution.checkpoint()
                    let batch = try await rows(filter, after, Self.batchSize, extra)
                    written += batch.count
                    execution.progress(written * 100 / total, "\(written) of \(total) rows")
                    return batch
                },
                output: { try output.write(contentsOf: Data($0.utf8)) })
            execution.log("Exported \(lines) rows")
            return JobOutcome(message: "\(lines) rows exported", summary: ["rows": String(lines)], file: relative)
        }
    }

    /// `GET {api}/export` (streamed) and `POST {api}/export-jobs` (a job) for the API, and
    /// `POST {page}/export` for the list page's button.
    package func addRoutes(
        to routes: RouteTable, api: String, page: String?, jobs: JobQueue,
        operations: (export: APIOperation, job: APIOperation)
    ) {
        routes.get("\(api)/export", permission, operations.export) { request, context in
            stream(try await select(request, context))
        }
        routes.post("\(api)/export-jobs", permission, operations.job) { request, context in
            let job = try await select(request, context).enqueue(jobs, context.principal?.userID, context.eventContext)
            return EditedResponse(status: .accepted, response: JobResource(job, title: title))
        }
        guard let page else { return }
        routes.post("\(page)/export", permission) { request, context in
            let selection = try await select(request, context)
            // `background=true`: the button that asks for a job whatever the size.
            let background = ListQuery(request)["background"] == "true"
            if !background, try await selection.count() <= Self.streamedAtMost { return stream(selection) }
            let job = try await selection.enqueue(jobs, context.principal?.userID, context.eventContext)
            return Response(status: .seeOther, headers: [.location: "/jobs/\(job.id ?? 0)"])
        }
    }

    private func stream(_ selection: Selection) -> Response {
        CSVResponse.stream(filename: "\(name).csv", header: selection.header, next: selection.batch)
    }
}

extension APIOperation {
    /// `GET …/export` of a list: `noun` as in "Export samples as CSV", with the list's filters.
    package static func csvExport(_ noun: String, filters: [APIParameter]) -> APIOperation {
        APIOperation(
            "Export \(noun) as CSV",
            "The filtered list as RFC 4180 CSV (UTF-8, CRLF; a cell starting with = + - @ gets a leading apostrophe so a spreadsheet never runs it), streamed in keyset batches: constant memory at any size.",
            parameters: filters,
            responses: [
                200: .file("text/csv", "The CSV."),
                400: "A malformed filter (field names it).",
                422: "A filter names a value or record that does not exist (field names it).",
            ])
    }

    /// `POST …/export-jobs` of a list: the same CSV, written by a job.
    package static func csvExportJob(_ noun: String, filters: [APIParameter]) -> APIOperation {
        APIOperation(
            "Export \(noun) in the background",
            "Starts a job writing the same CSV as GET …/export with the same filters; follow it at /api/v1/jobs/{id} (progress) and download its result_url. Only its starter may.",
            parameters: filters,
            responses: [
                202: .json(.job, "The queued job."),
                400: "A malformed filter (field names it).",
                422: "A filter names a value or record that does not exist (field names it).",
            ])
    }
}
