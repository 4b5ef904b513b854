import Foundation
import Hummingbird
import LabBoxServer
import LabBoxValues

/// Results links as a customer opens them (no account), and the lab's view and revocation of an
/// order's deliveries.
package struct ResultsDeliveryController {
    package let results: ResultStore
    package let pages: PageRenderer

    private var deliveries: DeliveryStore { DeliveryStore(database: results.database) }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/shared/results/{token}", .anonymous) { request, context in try await shared(request, context) }
        routes.post("/results/deliveries/{id}/revoke", .resultsWrite) { _, context in
            let delivery = try await deliveries.revoke(id: try context.id(), context: context.eventContext)
            return Flash(kind: .success, message: "The link sent to \(delivery.recipient) no longer opens the report.")
                .redirect(to: "/results/orders/\(delivery.orderId)#deliveries")
        }
        routes.get("/api/v1/orders/{id}/deliveries", .resultsRead, .listResultsDeliveries) { _, context in
            ItemList(items: try await deliveries.deliveries(order: try context.id()))
        }
        routes.post("/api/v1/results-deliveries/{id}/revoke", .resultsWrite, .revokeResultsLink) { _, context in
            try await deliveries.revoke(id: try context.id(), context: context.eventContext)
        }
    }

    /// The report a link opens, inside the layout (no navigation without a sign-in); the link's
    /// token travels only in the path, and the answer is never cached.
    private func shared(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        let delivery = try await deliveries.open(
            token: token, clientIP: context.clientIP, userAgent: request.headers[.userAgent] ?? "")
        let report = try await results.report(id: delivery.orderId)
        return pages.page(
            "results/report-shared", title: "Test report · order #\(delivery.orderId)", section: "results",
            request: request, context: context,
            model: SharedReportPage(
                report: results.mail.reportPage(report), recipient: delivery.recipient,
                expires: pages.time.text(delivery.expiresAt, absent: "")))
    }

    /// `results/report-shared.mustache`: the report's values and the link's.
    struct SharedReportPage: Encodable {
        let report: ResultsWebController.ResultReportPage
        let recipient: String
        let expires: String

        func encode(to encoder: Encoder) throws {
            try report.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(recipient, forKey: .recipient)
            try container.encode(expires, forKey: .expires)
        }

        enum CodingKeys: String, CodingKey { case recipient, expires }
    }

    package init(results: ResultStore, pages: PageRenderer) {
        self.results = results
        self.pages = pages
    }
}
