import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/api/v1/saved-reports`: saved report definitions, their CSV as of today, and sending one now.
/// Any signed-in person keeps their own; the report a definition names needs its own permission.
package struct SavedReportsAPIController {
    package let store: SavedReportStore
    package let mail: ReportMail

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/saved-reports", .signedIn, .listSavedReports) { _, context in
            SavedReportList(items: try await store.list(for: try principal(context)))
        }
        routes.post("/api/v1/saved-reports", .signedIn, .saveReport) { request, context in
            let input = try await request.decode(as: SavedReportStore.Input.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await store.create(input, for: try principal(context), context: context.eventContext))
        }
        routes.get("/api/v1/saved-reports/{id}", .signedIn, .savedReport) { _, context in
            try await store.get(try context.id(), for: try principal(context))
        }
        routes.patch("/api/v1/saved-reports/{id}", .signedIn, .changeSavedReport) { request, context in
            let input = try await request.decode(as: SavedReportStore.Input.self, context: context)
            return try await store.update(
                try context.id(), input, for: try principal(context), context: context.eventContext)
        }
        routes.delete("/api/v1/saved-reports/{id}", .signedIn, .deleteSavedReport) { _, context in
            try await store.delete(try context.id(), for: try principal(context), context: context.eventContext)
            return Response(status: .noContent)
        }
        routes.get("/api/v1/saved-reports/{id}/export", .signedIn, .exportSavedReport) { _, context in
            let saved = try await store.get(try context.id(), for: try principal(context))
            let time = mail.pages.time
            let document = try await store.database.read {
                try ReportDocument.read($0, saved, today: time.today, time: time)
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"\(document.filename).csv\"",
                ], body: .init(byteBuffer: ByteBuffer(string: document.csv)))
        }
    }

    private func principal(_ context: AppRequestContext) throws -> Principal {
        guard let principal = context.principal else { throw APIError.unauthorized("Sign in first.") }
        return principal
    }

    package struct SavedReportList: ResponseEncodable {
        package let items: [SavedReport]
    }

    package init(store: SavedReportStore, mail: ReportMail) {
        (self.store, self.mail) = (store, mail)
    }
}
