import Administration
import Foundation
import LabBoxPlatform

/// One webhook endpoint, as an admin would add it: a practice-management system on this machine,
/// subscribed to verified results, sample status and issued invoices, and disabled, so the demo
/// posts nothing anywhere until someone points it at a real receiver and enables it.
package struct DemoWebhooks {
    package let store: WebhookStore

    package func generate(context: EventContext) async throws -> String {
        let (endpoint, _) = try await store.create(
            .init(
                name: "Practice management (demo)", url: "http://127.0.0.1:8089/labbox-events",
                events: ["result.verified", "sample.status_changed", "invoice.issued"], enabled: false),
            context: context)
        return "1 webhook endpoint (\(endpoint.name), disabled)"
    }
}
