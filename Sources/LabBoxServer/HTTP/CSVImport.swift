import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxValues
import SwiftCSV

/// Importing a list from CSV, the same way for every kind of record: parse, check every row and
/// report each problem (the dry run), then write all rows in one transaction or none.
package struct CSVImport<Item: Sendable>: Sendable {
    package let columns: [String]
    package let required: Set<String>
    /// One row as a record ready to insert, or an ``APIError`` naming the field. `seen` carries
    /// what earlier rows claimed (unique keys), to find duplicates within the file.
    package let validate:
        @Sendable (_ row: [String: String], _ db: Database, _ seen: inout [String: Int], _ number: Int) throws -> Item
    /// Writes a run of checked rows (a thousand at a time, so a job can report progress).
    package let insert: @Sendable (_ items: [Item], _ write: AuditedWrite) throws -> Void

    package struct Problem: Codable, Sendable {
        /// The row's number as a spreadsheet shows it: the header is row 1.
        package let row: Int
        package let field: String?
        package let message: String

        /// `Row 3 (vat_rate): …`: where the problem is, then what it is.
        package var text: String { "Row \(row)\(field.map { " (\($0))" } ?? ""): \(message)" }
    }

    package struct Report: ResponseEncodable, Sendable {
        package let rows: Int
        package let valid: Int
        package let imported: Int
        package let problems: [Problem]
    }

    package struct Failure: Error {
        package let problems: [Problem]
    }

    package func parse(_ text: String) throws -> [[String: String]] {
        try CSVTable.rows(text, columns: columns, required: required)
    }

    private func check(_ rows: [[String: String]], db: Database) throws -> ([Item], [Problem]) {
        var items: [Item] = []
        var problems: [Problem] = []
        var seen: [String: Int] = [:]
        for (index, row) in rows.enumerated() {
            let number = index + 2
            do {
                for field in required.sorted() where (row[field] ?? "").isEmpty {
                    throw APIError.validationFailed("\(field) is required.", field: field)
                }
                items.append(try validate(row, db, &seen, number))
            } catch let error as APIError {
                problems.append(Problem(row: number, field: error.field, message: error.message))
            }
        }
        return (items, problems)
    }

    /// The dry run: what an import of `rows` would find, writing nothing.
    package func dryRun(_ rows: [[String: String]], database: AppDatabase) async throws -> Report {
        let (_, problems) = try await database.read { db in try check(rows, db: db) }
        return Report(rows: rows.count, valid: rows.count - problems.count, imported: 0, problems: problems)
    }

    /// Every row in one transaction, or none (``Failure``) when any has a problem. `progress`
    /// hears of each thousand rows written; `checkpoint` may throw to stop, rolling everything back.
    package func commit(
        _ rows: [[String: String]], database: AppDatabase, context: EventContext,
        progress: @escaping @Sendable (Int) -> Void = { _ in }, checkpoint: @escaping @Sendable () throws -> Void = {}
    ) async throws -> Report {
        try await database.write(context) { write in
            let (items, problems) = try check(rows, db: write.db)
            guard problems.isEmpty else { throw Failure(problems: problems) }
            for start in stride(from: 0, to: items.count, by: 1000) {
                let end = min(start + 1000, items.count)
                try insert(Array(items[start..<end]), write)
                progress(end)
                try checkpoint()
            }
            return Report(rows: rows.count, valid: rows.count, imported: items.count, problems: [])
        }
    }

    package struct JobParameters: Codable, Sendable {
        package let csv: String
    }

    /// The import as a background job (`<noun>.import`), for files big enough to want a progress
    /// bar: the uploaded text travels in the job's parameters and is deleted with the job. Who may
    /// see it: `permission`, `<noun>:write` when absent.
    package func job(noun: String, permission: String? = nil) -> JobKind {
        JobKind(
            type: "\(noun).import", title: "\(noun.prefix(1).uppercased())\(noun.dropFirst()) import",
            permission: permission ?? "\(noun):write"
        ) {
            execution in
            let rows = try parse(try execution.job.decodedParameters(JobParameters.self).csv)
            execution.progress(5, "Checking \(rows.count) rows")
            do {
                let report = try await commit(
                    rows, database: execution.database, context: execution.context,
                    progress: { done in
                        execution.progress(5 + 95 * done / max(rows.count, 1), "\(done) of \(rows.count) rows written")
                    }, checkpoint: { try execution.checkpoint() })
                return JobOutcome(
                    message: "\(report.imported) \(noun) imported", summary: ["imported": String(report.imported)])
            } catch let failure as Failure {
                for problem in failure.problems.prefix(100) { execution.log(problem.text) }
                throw JobFailure(
                    message: "\(failure.problems.count) of \(rows.count) rows have problems; nothing was imported.")
            }
        }
    }

    /// The import operations' documentation, written in the importing feature.
    package struct Operations: Sendable {
        package var template: APIOperation
        package var check: APIOperation
        package var `import`: APIOperation
        package var job: APIOperation

        package init(template: APIOperation, check: APIOperation, import: APIOperation, job: APIOperation) {
            self.template = template
            self.check = check
            self.import = `import`
            self.job = job
        }
    }

    /// `check` and import routes for `path` (`{path}/import/check`, `{path}/import`,
    /// `{path}/import/jobs` for the background import, and the template at `{path}/import/template`),
    /// taking `text/csv` bodies; each needs `permission`.
    package func addRoutes(
        to routes: RouteTable, path: String, permission: Permission, operations: Operations, template: String,
        database: AppDatabase, jobs: JobQueue
    ) {
        routes.get("\(path)/import/template", permission, operations.template) { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"template.csv\"",
                ], body: .init(byteBuffer: ByteBuffer(string: CSVResponse.line(columns) + template)))
        }
        routes.post("\(path)/import/check", permission, operations.check) { request, context in
            try await dryRun(try await parse(CSVTable.body(request, context)), database: database)
        }
        routes.post("\(path)/import", permission, operations.import) { request, context in
            let rows = try parse(try await CSVTable.body(request, context))
            do {
                return EditedResponse(
                    status: .created,
                    response: try await commit(rows, database: database, context: context.eventContext))
            } catch let failure as Failure {
                throw APIError.validationFailed(
                    "\(failure.problems.count) of \(rows.count) rows have problems; nothing was imported. "
                        + failure.problems.prefix(3).map(\.text).joined(separator: " "),
                    field: "file")
            }
        }
        routes.post("\(path)/import/jobs", permission, operations.job) { request, context in
            let text = try await CSVTable.body(request, context)
            _ = try parse(text)
            let noun = String(path.split(separator: "/").last ?? "")
            let job = try await jobs.enqueue(
                "\(noun).import", parameters: JobParameters(csv: text), by: context.principal?.userID,
                context: context.eventContext)
            return EditedResponse(status: .accepted, response: JobResource(job, title: jobs.title(of: job.type)))
        }
    }

    package init(
        columns: [String], required: Set<String>,
        validate:
            @escaping @Sendable (
                _ row: [String: String], _ db: Database, _ seen: inout [String: Int], _ number: Int
            ) throws -> Item,
        insert: @escaping @Sendable (_ items: [Item], _ write: AuditedWrite) throws -> Void
    ) {
        self.columns = columns
        self.required = required
        self.validate = validate
        self.insert = insert
    }
}

/// Parsing CSV files as uploaded, shared by every import.
package enum CSVTable {
    /// The rows of `text`: a byte-order mark is dropped and `,` `;` or tab recognised as the
    /// separator; quoted fields may hold separators and line breaks. Column names are matched
    /// without case; blank lines are skipped. A column named twice and a value beyond the last
    /// column are refused, not dropped: the value was meant for some column (found by fuzzing:
    /// such rows imported as blank).
    package static func rows(_ text: String, columns: [String], required: Set<String>) throws -> [[String: String]] {
        let csv: CSV<Enumerated>
        do {
            csv = try CSV<Enumerated>(string: text, delimiter: CSVDelimiter.guessed(string: text))
        } catch {
            throw fileProblem("The file is not valid CSV.")
        }
        let header = csv.header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let unknown = header.first(where: { !columns.contains($0) }) {
            throw fileProblem("Unknown column \"\(unknown)\"; the columns are \(columns.joined(separator: ", ")).")
        }
        if let twice = header.enumerated().first(where: { header[..<$0.offset].contains($0.element) })?.element {
            throw fileProblem("The column \"\(twice)\" appears twice.")
        }
        if let missing = required.subtracting(header).sorted().first {
            throw fileProblem("The column \"\(missing)\" is missing.")
        }
        // Row numbers as a spreadsheet shows them, the header being row 1.
        if let index = csv.rows.firstIndex(where: { !$0.dropFirst(header.count).allSatisfy(\.isEmpty) }) {
            throw fileProblem("Row \(index + 2) has a value beyond the last column, \"\(header.last ?? "")\".")
        }
        return csv.rows.filter { !$0.allSatisfy(\.isEmpty) }.map { row in
            Dictionary(
                uniqueKeysWithValues: zip(header, row + Array(repeating: "", count: max(0, header.count - row.count))))
        }
    }

    package static func fileProblem(_ message: String) -> APIError {
        APIError.validationFailed(message, field: "file")
    }

    /// The request body as text, which must be `text/csv` (or plain text) within the upload limit.
    package static func body(_ request: Request, _ context: AppRequestContext) async throws -> String {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("text/csv") || type.hasPrefix("text/plain") else {
            throw APIError(
                status: .unsupportedMediaType, code: "unsupported_media_type", message: "Send the file as text/csv.")
        }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        guard let text = body.getString(at: body.readerIndex, length: body.readableBytes) else {
            throw APIError.invalid("The file is not UTF-8 text.", field: "file")
        }
        guard !body.readableBytesView.contains(0) else {
            throw APIError.validationFailed("The file may not contain the NUL character.", field: "file")
        }
        return text
    }
}
