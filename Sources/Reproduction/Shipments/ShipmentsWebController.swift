import Biobank
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The shipment pages: the list, a new shipment, one shipment with the step its status allows
/// (scanning straws on, packing, hand-over, check-in, receipt, the shipper's return), and its
/// printable packing list.
package struct ShipmentsWebController {
    package let store: ShipmentStore
    package let pages: PageRenderer
    package static let pageSize = 50

    package func addRoutes(to routes: RouteTable) {
        routes.get("/shipments", .storageRead) { request, context in try await list(request, context) }
        routes.get("/shipments/new", .storageWrite) { request, context in
            newPage(request, context, form: HeaderForm(direction: ListQuery(request)["direction"]), error: nil)
        }
        routes.post("/shipments", .storageWrite) { request, context in try await create(request, context) }
        routes.get("/shipments/{id}", .storageRead) { request, context in try await detail(request, context) }
        routes.get("/shipments/{id}/packing-list", .storageRead) { request, context in
            try await packingList(request, context)
        }
        routes.post("/shipments/{id}", .storageWrite) { request, context in
            let form = try await request.decode(as: HeaderForm.self, context: context)
            return try await step(context) { id, time in
                _ = try await store.update(id: id, try form.input(time: time), context: context.eventContext)
                return "Shipment saved."
            }
        }
        routes.post("/shipments/{id}/items", .storageWrite) { request, context in
            let form = try await request.decode(as: ItemForm.self, context: context)
            return try await step(context) { id, _ in
                let item = try await store.add(
                    to: id, .init(code: form.code, canister: form.canister), context: context.eventContext)
                return "\(item.code) is on the shipment."
            }
        }
        routes.post("/shipments/{id}/remove-item", .storageWrite) { request, context in
            let form = try await request.decode(as: ItemForm.self, context: context)
            return try await step(context) { _, _ in
                guard let itemID = try FormText.id(form.itemId, field: "item_id") else {
                    throw APIError.validationFailed("Choose the straw to take off.", field: "item_id")
                }
                let item = try await store.remove(item: itemID, context: context.eventContext)
                return "\(item.code) was taken off."
            }
        }
        routes.post("/shipments/{id}/pack", .storageWrite) { _, context in
            try await step(context) { id, _ in
                let shipment = try await store.pack(id: id, context: context.eventContext)
                return "\(shipment.code) is packed: its straws are checked out of storage."
            }
        }
        routes.post("/shipments/{id}/hand-over", .storageWrite) { request, context in
            let form = try await request.decode(as: StepForm.self, context: context)
            return try await step(context) { id, time in
                _ = try await store.handOver(
                    id: id,
                    .init(
                        handedOverAt: try Self.time(form.at, field: "handed_over_at", time: time),
                        courier: form.courier, trackingNo: form.trackingNo), context: context.eventContext)
                return "Handed over to the courier."
            }
        }
        routes.post("/shipments/{id}/receive", .storageWrite) { request, context in
            let form = try await request.decode(as: StepForm.self, context: context)
            return try await step(context) { id, time in
                _ = try await store.receive(
                    id: id,
                    .init(
                        receivedAt: try Self.time(form.at, field: "received_at", time: time),
                        discrepancies: form.discrepancies), context: context.eventContext)
                return "Receipt recorded."
            }
        }
        routes.post("/shipments/{id}/check-in", .storageWrite) { request, context in
            let form = try await request.decode(as: CheckInForm.self, context: context)
            return try await step(context) { id, _ in
                let straw = try await store.checkIn(to: id, try form.input(), context: context.eventContext)
                return "\(straw.externalId) is checked in."
            }
        }
        routes.post("/shipments/{id}/shipper-return", .storageWrite) { request, context in
            let form = try await request.decode(as: StepForm.self, context: context)
            return try await step(context) { id, time in
                _ = try await store.returnShipper(
                    id: id, at: try Self.time(form.at, field: "returned_at", time: time),
                    context: context.eventContext)
                return "The dry shipper's return is recorded; the shipment is closed."
            }
        }
        routes.post("/shipments/{id}/cancel", .storageWrite) { request, context in
            let form = try await request.decode(as: StepForm.self, context: context)
            return try await step(context) { id, _ in
                _ = try await store.cancel(id: id, reason: form.reason, context: context.eventContext)
                return "The shipment is cancelled."
            }
        }
    }

    /// Runs a step posted from a shipment's page and goes back to it with the outcome.
    private func step(_ context: AppRequestContext, _ action: (Int64, LabTime) async throws -> String)
        async throws -> Response
    {
        let id = try context.id()
        return try await Flash.after(redirectTo: "/shipments/\(id)") { try await action(id, pages.time) }
    }

    // MARK: Forms

    /// A shipment's header, as posted from the new page and the edit form.
    struct HeaderForm: Codable {
        var direction: String?
        var customerId: String?
        var partnerLab: String?
        var courier: String?
        var trackingNo: String?
        var shipperId: String?
        var chargedAt: String?
        var holdDays: String?
        var expectedStraws: String?
        var notes: String?
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case direction, courier, notes, reason
            case customerId = "customer_id"
            case partnerLab = "partner_lab"
            case trackingNo = "tracking_no"
            case shipperId = "shipper_id"
            case chargedAt = "charged_at"
            case holdDays = "hold_days"
            case expectedStraws = "expected_straws"
        }

        init(direction: String?) {
            self.direction = direction == "inbound" ? "inbound" : "outbound"
        }

        init(_ shipment: Shipment, time: LabTime) {
            direction = shipment.direction.rawValue
            customerId = shipment.customerId.map(String.init)
            partnerLab = shipment.partnerLab
            courier = shipment.courier
            trackingNo = shipment.trackingNo
            shipperId = shipment.shipperId
            chargedAt = shipment.chargedAt.map(time.fieldText)
            holdDays = shipment.holdDays.map(String.init)
            expectedStraws = shipment.expectedStraws.map(String.init)
            notes = shipment.notes
        }

        /// The browser's datetime-local field has no zone: it means the lab's wall clock.
        func input(time: LabTime) throws -> ShipmentStore.Input {
            .init(
                direction: FormText.text(direction), customerId: try FormText.id(customerId, field: "customer_id"),
                partnerLab: partnerLab ?? "", courier: courier, trackingNo: trackingNo, shipperId: shipperId,
                chargedAt: try ShipmentsWebController.time(chargedAt, field: "charged_at", time: time) ?? "",
                holdDays: try FormText.int(holdDays, field: "hold_days"),
                expectedStraws: try FormText.int(expectedStraws, field: "expected_straws"), notes: notes,
                reason: reason)
        }
    }

    /// A datetime-local field as RFC 3339 text for the store; nil when empty.
    static func time(_ text: String?, field: String, time: LabTime) throws -> String? {
        guard let text = FormText.text(text) else { return nil }
        guard let date = time.date(fieldText: text) else {
            throw APIError.validationFailed("Enter a date and time.", field: field)
        }
        return date.formatted(.iso8601)
    }

    /// A straw scanned onto the shipment, or taken off.
    struct ItemForm: Decodable {
        var code: String?
        var canister: String?
        var itemId: String?

        enum CodingKeys: String, CodingKey {
            case code, canister
            case itemId = "item_id"
        }
    }

    /// Hand-over, receipt, the shipper's return and cancelling: a time and what each needs.
    struct StepForm: Decodable {
        var at: String?
        var courier: String?
        var trackingNo: String?
        var discrepancies: String?
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case at, courier, discrepancies, reason
            case trackingNo = "tracking_no"
        }
    }

    /// An arriving straw scanned in.
    struct CheckInForm: Decodable {
        var code: String?
        var kind: String?
        var species: String?
        var animalId: String?
        var containerId: String?
        var position: String?
        var canister: String?
        var notes: String?

        enum CodingKeys: String, CodingKey {
            case code, kind, species, position, canister, notes
            case animalId = "animal_id"
            case containerId = "container_id"
        }

        func input() throws -> ShipmentStore.CheckInInput {
            .init(
                code: code, kind: FormText.text(kind), species: FormText.text(species),
                animalId: try FormText.id(animalId, field: "animal_id"),
                containerId: try FormText.id(containerId, field: "container_id"),
                position: try FormText.int(position, field: "position"), canister: canister, notes: notes)
        }
    }

    // MARK: Pages

    private func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let filter = try ShipmentStore.Filter(query)
        let page = try await store.list(filter, after: try query.cursor(), limit: Self.pageSize)
        let names = try await store.counterparties(page.items)
        let keep = ["direction", "status"]
        return pages.page(
            "shipments/shipments", title: "Shipments", section: "shipments", request: request, context: context,
            model: ShipmentsPage(
                shipments: page.items.map {
                    ShipmentsPage.Row($0, counterparty: names[$0.id ?? 0] ?? "", time: pages.time)
                },
                empty: page.items.isEmpty, next: query.nextPage(keeping: keep, after: page.next),
                firstPage: query.firstPage("/shipments", keeping: keep),
                directions: Choice.list(Shipment.Direction.allCases.map(\.rawValue), selected: query["direction"]),
                statuses: Shipment.Status.allCases.map {
                    Choice(value: $0.rawValue, label: $0.label, selected: $0.rawValue == query["status"])
                },
                canWrite: context.principal?.can(.storageWrite) == true))
    }

    private func newPage(_ request: Request, _ context: AppRequestContext, form: HeaderForm, error: APIError?)
        -> Response
    {
        pages.page(
            "shipments/shipment-new", title: "New shipment", section: "shipments", request: request, context: context,
            model: ShipmentFormPage(
                form: form, error: error?.message,
                directions: Shipment.Direction.allCases.map {
                    Choice(value: $0.rawValue, selected: $0.rawValue == form.direction)
                }),
            status: error?.httpStatus ?? .ok)
    }

    private func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: HeaderForm.self, context: context)
        do {
            let shipment = try await store.create(try form.input(time: pages.time), context: context.eventContext)
            return Flash(kind: .success, message: "Shipment \(shipment.code) was recorded.")
                .redirect(to: "/shipments/\(shipment.id ?? 0)")
        } catch let error as APIError where error.status.code < 500 {
            return newPage(request, context, form: form, error: error)
        }
    }

    private func detail(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let detail = try await store.detail(id: try context.id())
        let shipment = detail.shipment
        let canWrite = context.principal?.can(.storageWrite) == true
        let containers = shipment.direction == .inbound && canWrite ? try await store.containerChoices() : []
        return pages.page(
            "shipments/shipment", title: "Shipment \(shipment.code)", section: "shipments", request: request,
            context: context,
            model: ShipmentPage(
                detail, time: pages.time, canWrite: canWrite, form: HeaderForm(shipment, time: pages.time),
                containers: containers.map(StrawContainerOption.init),
                kinds: ["semen", "embryo"].filter(store.sampleKinds.contains).map { Choice(value: $0) },
                species: Choice.list(store.species, selected: "bovine"), now: pages.time.fieldText(Date())))
    }

    private func packingList(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let detail = try await store.detail(id: try context.id())
        return pages.page(
            "shipments/packing-list", title: "Packing list \(detail.shipment.code)", section: "shipments",
            request: request, context: context,
            model: ShipmentPage(
                detail, time: pages.time, canWrite: false, form: HeaderForm(detail.shipment, time: pages.time),
                containers: [], kinds: [], species: [], now: ""),
            trail: [Navigation.Link(label: detail.shipment.code, href: "/shipments/\(detail.shipment.id ?? 0)")])
    }

    package init(store: ShipmentStore, pages: PageRenderer) {
        self.store = store
        self.pages = pages
    }
}
