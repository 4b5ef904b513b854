import Foundation
import LabBoxServer
import LabBoxValues

/// `shipments/shipments.mustache`: the list.
struct ShipmentsPage: Encodable {
    struct Row: Encodable {
        let id: Int64
        let code: String
        let direction: String
        let status: String
        let statusLabel: String
        let counterparty: String
        let courier: String
        let created: String

        init(_ shipment: Shipment, counterparty: String, time: LabTime) {
            id = shipment.id ?? 0
            code = shipment.code
            direction = shipment.direction.rawValue
            status = shipment.status.rawValue
            statusLabel = shipment.status.label
            self.counterparty = counterparty
            courier = shipment.courier
            created = time.day(shipment.createdAt)
        }
    }
    let shipments: [Row]
    let empty: Bool
    let next: String?
    let firstPage: String?
    let directions: [Choice]
    let statuses: [Choice]
    let canWrite: Bool
}

/// `shipments/shipment-new.mustache`.
struct ShipmentFormPage: Encodable {
    let form: ShipmentsWebController.HeaderForm
    let error: String?
    let directions: [Choice]
}

/// `shipments/shipment.mustache` and `shipments/packing-list.mustache`: one shipment, its straws
/// and the steps its direction and status allow.
struct ShipmentPage: Encodable {
    struct Fact: Encodable {
        let label: String
        let value: String
    }
    let id: Int64
    /// The same, for the forms inside the straw rows, where `id` is the row's.
    let shipmentId: Int64
    let code: String
    let outbound: Bool
    let status: String
    let statusLabel: String
    let counterparty: String
    let customerId: Int64?
    let facts: [Fact]
    let items: [ShipmentStore.Line]
    let noItems: Bool
    let count: Int
    let discrepancies: String?
    let notes: String?
    /// Each step is offered only where the status allows it, and only to those who may write.
    let canAdd: Bool
    let canPack: Bool
    let canHandOver: Bool
    let canReceive: Bool
    let canCheckIn: Bool
    let canReturnShipper: Bool
    let canCancel: Bool
    let canEdit: Bool
    let form: ShipmentsWebController.HeaderForm
    let containers: [StrawContainerOption]
    let kinds: [Choice]
    let species: [Choice]
    let now: String

    init(
        _ detail: ShipmentStore.Detail, time: LabTime, canWrite: Bool, form: ShipmentsWebController.HeaderForm,
        containers: [StrawContainerOption], kinds: [Choice], species: [Choice], now: String
    ) {
        let shipment = detail.shipment
        let status = shipment.status
        let outbound = shipment.direction == .outbound
        id = shipment.id ?? 0
        shipmentId = id
        code = shipment.code
        self.outbound = outbound
        self.status = status.rawValue
        statusLabel = status.label
        counterparty = detail.counterparty
        customerId = shipment.customerId
        let when = { (date: Date?) in date.map { time.text($0) } }
        let rows: [(String, String?)] = [
            ("Direction", outbound ? "outbound" : "inbound"),
            (outbound ? "Consignee" : "Sender", detail.counterparty),
            ("Courier", shipment.courier.nonEmpty), ("Tracking no.", shipment.trackingNo.nonEmpty),
            ("Dry shipper", shipment.shipperId.nonEmpty), ("Charged at", when(shipment.chargedAt)),
            ("Charge holds", shipment.holdDays.map { "\($0) days" }), ("Must arrive by", when(shipment.mustArriveBy)),
            ("Straws expected", shipment.expectedStraws.map(String.init)),
            (outbound ? "Straws" : "Straws checked in", String(detail.items.count)),
            ("Handed over", when(shipment.handedOverAt)), ("Received", when(shipment.receivedAt)),
            ("Shipper returned", when(shipment.shipperReturnedAt)),
        ]
        facts = rows.compactMap { label, value in value.map { Fact(label: label, value: $0) } }
        items = detail.items
        noItems = detail.items.isEmpty
        count = detail.items.count
        discrepancies = shipment.discrepancies.nonEmpty
        notes = shipment.notes.nonEmpty
        canAdd = canWrite && outbound && status == .draft
        canPack = canAdd && !detail.items.isEmpty
        canHandOver = canWrite && outbound && status == .packed
        canReceive = canWrite && status == (outbound ? Shipment.Status.handedOver : .draft)
        canCheckIn = canWrite && !outbound && [.draft, .received].contains(status)
        canReturnShipper = canWrite && status == .received
        canCancel = canWrite && status == .draft && (outbound || detail.items.isEmpty)
        canEdit = canWrite && status.isOpen
        self.form = form
        self.containers = containers
        self.kinds = kinds
        self.species = species
        self.now = now
    }
}
