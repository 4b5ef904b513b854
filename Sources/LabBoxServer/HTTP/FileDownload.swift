import Foundation
import Hummingbird
import LabBoxValues

/// A file from the data directory as a download, streamed from disk by Hummingbird's file I/O.
package enum FileDownload {
    package static func response(_ url: URL, context: AppRequestContext) async throws -> Response {
        guard FileManager.default.fileExists(atPath: url.path) else { throw APIError.notFound("The file is gone.") }
        let contentType = url.pathExtension == "csv" ? "text/csv; charset=utf-8" : "application/gzip"
        let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
        return Response(
            status: .ok,
            headers: [
                .contentType: contentType, .contentLength: String(size),
                .contentDisposition: "attachment; filename=\"\(url.lastPathComponent)\"",
            ],
            body: try await FileIO().loadFile(path: url.path, context: context))
    }
}
