import Attachments
import Collaboration
import Foundation
import LabBoxValues

/// An analysis as the worklist, the order and the report show it. The keys templates test with a
/// section are nil when empty.
struct AnalysisLine: Encodable {
    let id: Int64
    let orderId: Int64
    let sample: String
    let sampleId: Int64
    let test: String
    let testName: String
    let state: String
    let stateLabel: String
    let value: String
    let unit: String
    let range: String
    let flag: String?
    let enteredBy: String
    let verifiedBy: String?
    let instrument: String?
    let qcFailed: Bool

    init(_ line: ResultStore.Line) {
        id = line.id
        orderId = line.orderId
        sample = line.sample
        sampleId = line.sampleId
        test = line.testCode
        testName = line.testName
        state = line.state.rawValue
        stateLabel = line.state.label
        value = line.value.map { $0.formatted() } ?? ""
        unit = line.unit
        range = line.range
        flag = line.flag.isEmpty ? nil : line.flag
        enteredBy = line.enteredByName ?? ""
        verifiedBy = line.verifiedBy.isEmpty ? nil : line.verifiedBy.joined(separator: ", ")
        instrument = line.instrument.flatMap { $0.isEmpty ? nil : $0 }
        qcFailed = line.qcInControl == false
    }

    /// The line with a page's own keys beside its keys, in one row of the template.
    struct With<Extra: Encodable>: Encodable {
        let line: AnalysisLine
        let extra: Extra

        func encode(to encoder: Encoder) throws {
            try line.encode(to: encoder)
            try extra.encode(to: encoder)
        }
    }
}

/// A calibrated instrument to choose in a `<select>`.
struct InstrumentChoice: Encodable {
    let id: Int64
    let name: String

    init(_ instrument: Instrument) {
        id = instrument.id ?? 0
        name = instrument.name
    }
}

extension ResultsWebController {
    /// `results.mustache`: the worklist.
    struct ResultsPage: Encodable {
        struct Tab: Encodable {
            let value: String
            let label: String
            let selected: Bool
        }
        let tabs: [Tab]
        let rows: [AnalysisLine]
        let empty: Bool
        /// The query of the next page, nil on the last.
        let next: String?
        let canWrite: Bool
    }

    /// `order-new.mustache`.
    struct OrderFormPage: Encodable {
        struct TestChoice: Encodable {
            let code: String
            let name: String
            let kinds: String
            let checked: Bool
        }
        struct ProfileChoice: Encodable {
            let code: String
            let name: String
            let tests: String
            let checked: Bool
        }
        let form: OrderForm
        let error: String?
        let tests: [TestChoice]
        let hasProfiles: Bool
        let profiles: [ProfileChoice]
    }

    /// `order.mustache`: an order with result entry and verification.
    struct OrderPage: Encodable {
        struct Order: Encodable {
            let id: Int64
            let customer: String
            let customerId: Int64
            let date: String
            let reference: String
            let purchaseOrder: String
        }
        /// What the principal may do with an analysis, and the QC runs of its test.
        struct Actions: Encodable {
            struct Run: Encodable {
                let id: Int64
                let label: String
            }
            let runs: [Run]
            let canEnter: Bool
            let needsReason: Bool
            let canVerify: Bool
            let canReject: Bool
        }
        let order: Order
        let rows: [AnalysisLine.With<Actions>]
        let instruments: [InstrumentChoice]
        let complete: Bool
        let deliveries: [Delivery]
        let hasDeliveries: Bool
        let attachments: AttachmentPanel?
        let activity: RecordActivity?

        /// A sending of the report to the customer, with every opening of its link.
        struct Delivery: Encodable {
            struct Access: Encodable {
                let at: String
                let clientIp: String
                let userAgent: String
                let outcome: String
            }
            let id: Int64
            let sent: String
            let recipient: String
            let method: String
            let state: String
            let expires: String?
            let revoked: String?
            let canRevoke: Bool
            let accesses: [Access]
            let accessCount: Int
            let hasAccesses: Bool

            init(_ view: DeliveryView, time: LabTime, canRevoke: Bool) {
                id = view.id
                sent = time.text(view.createdAt)
                recipient = view.recipient
                method = view.method == .link ? "link" : "attached"
                state = view.state.rawValue
                expires = view.expiresAt.map(time.text)
                revoked = view.revokedAt.map { "\(time.text($0)) by \(view.revokedBy ?? "")" }
                self.canRevoke = canRevoke && view.state == .active
                accesses = view.accesses.map {
                    Access(
                        at: time.text($0.accessedAt), clientIp: $0.clientIp, userAgent: $0.userAgent,
                        outcome: $0.outcome.rawValue)
                }
                accessCount = view.accesses.count
                hasAccesses = !view.accesses.isEmpty
            }
        }
    }

    /// `result-report.mustache`: the printable report.
    struct ResultReportPage: Encodable {
        struct Lab: Encodable {
            let name: String
            let address: String?
        }
        struct Order: Encodable {
            let id: Int64
            let customer: String
            let date: String
            let reference: String?
            let printed: String
        }
        struct Sample: Encodable {
            let sample: String
            let species: String
            let lines: [AnalysisLine.With<Final>]
        }
        /// Whether the line's result is verified, so shown.
        struct Final: Encodable {
            let final: Bool
        }
        let lab: Lab
        let order: Order
        let complete: Bool
        let samples: [Sample]
    }
}
