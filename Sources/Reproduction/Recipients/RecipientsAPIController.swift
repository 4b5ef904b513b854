import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The JSON API of recipients: enrolment, the check on transfer day, and the transfer-day
/// worklist. Transfers themselves are recorded, witnessed, through `POST /api/v1/transfers`.
package struct RecipientsAPIController {
    package let store: RecipientStore
    package let time: LabTime

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/recipients", .reproductionRead, .listRecipients) { request, _ in
            let query = ListQuery(request)
            let page = try await store.list(
                try RecipientStore.Filter(query), after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/recipients", .reproductionWrite, .enrolRecipient) { request, context in
            let input = try await request.decode(as: RecipientStore.Input.self, context: context)
            let recipient = try await store.enrol(input, context: context.eventContext)
            return EditedResponse(
                status: .created, response: try await store.detail(id: recipient.id ?? 0, today: time.today))
        }
        routes.get("/api/v1/recipients/{id}", .reproductionRead, .oneRecipient) { _, context in
            try await store.detail(id: try context.id(), today: time.today)
        }
        routes.patch("/api/v1/recipients/{id}", .reproductionWrite, .changeRecipient) { request, context in
            let input = try await request.decode(as: RecipientStore.Input.self, context: context)
            let recipient = try await store.update(id: try context.id(), input, context: context.eventContext)
            return try await store.detail(id: recipient.id ?? 0, today: time.today)
        }
        routes.post("/api/v1/recipients/{id}/checks", .reproductionWrite, .checkRecipient) { request, context in
            let input = try await request.decode(as: RecipientStore.CheckInput.self, context: context)
            let check = try await store.check(recipient: try context.id(), input, context: context.eventContext)
            return EditedResponse(status: .created, response: check)
        }
        routes.get("/api/v1/transfer-day", .reproductionRead, .transferDayWorklist) { request, _ in
            let query = ListQuery(request)
            return try await store.worklist(
                on: try Self.day(query, today: time.today), try RecipientStore.DayFilter(query))
        }
    }

    /// `on`: the transfer day, today when absent.
    static func day(_ query: ListQuery, today: String) throws -> String {
        guard let text = query["on"] else { return today }
        guard let day = Day.date(text) else { throw APIError.invalid("on must be a day, YYYY-MM-DD.", field: "on") }
        return Day.text(day)
    }

    package init(store: RecipientStore, time: LabTime) {
        self.store = store
        self.time = time
    }
}
