import Foundation
import Hummingbird

/// Samples as CSV: `/api/v1/samples/export`, the import template, dry run and import, and the
/// import page.
struct SampleCSVController {
    let csv: SampleCSV
    let pages: PageRenderer

    func addRoutes(to router: RouterGroup<AppRequestContext>) {
        router.get("/api/v1/samples/export") { request, _ in
            csv.export(try SampleStore.Filter(ListQuery(request), species: csv.store.species, kinds: csv.store.kinds))
        }
        router.get("/api/v1/samples/import/template") { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"samples-template.csv\"",
                ], body: .init(byteBuffer: ByteBuffer(string: SampleCSV.template)))
        }
        router.post("/api/v1/samples/import/check") { request, context in
            try await csv.check(try await rows(request, context))
        }
        router.post("/api/v1/samples/import") { request, context in
            let rows = try await rows(request, context)
            do {
                return EditedResponse(
                    status: .created, response: try await csv.importAll(rows, context: context.eventContext))
            } catch let failure as SampleCSV.ImportFailure {
                throw APIError(
                    status: .unprocessableContent, code: "validation_failed",
                    message: "\(failure.problems.count) of \(rows.count) rows have problems; nothing was imported. "
                        + failure.problems.prefix(3).map { "Row \($0.row): \($0.message)" }.joined(separator: " "),
                    field: "file")
            }
        }
        router.get("/samples/import") { request, context in
            pages.page("sample-import", title: "Import samples", section: "samples", request: request, context: context)
        }
    }

    /// The CSV rows of the request body (`text/csv`), within the upload limit.
    private func rows(_ request: Request, _ context: AppRequestContext) async throws -> [[String: String]] {
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
        return try SampleCSV.parse(text)
    }
}

extension SampleStore.Filter {
    /// `q`, `species`, `kind` and `status`, as every sample list takes them.
    init(_ query: ListQuery, species: [String], kinds: [String]) throws {
        self.species = try query.choice("species", in: species)
        kind = try query.choice("kind", in: kinds)
        status = try query.choice("status", in: Sample.Status.allCases.map(\.rawValue)).flatMap(Sample.Status.init)
        text = query["q"]
    }
}
