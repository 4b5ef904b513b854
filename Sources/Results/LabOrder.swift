import Attachments
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// A customer's request for tests on samples.
package struct LabOrder: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "lab_orders"
    package static let auditEntity = "lab_order"

    package var id: Int64?
    package var customerId: Int64
    package var orderedOn: String
    package var reference = ""
    /// The customer's purchase-order number (BT-13 on the invoice that bills the order).
    package var purchaseOrder = ""
    package var notes = ""
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, reference, notes
        case purchaseOrder = "purchase_order"
        case customerId = "customer_id"
        case orderedOn = "ordered_on"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

}

/// One test on one sample of an order, from receipt to a verified result.
package struct Analysis: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "analyses"
    package static let auditEntity = "result"

    /// received → in progress → to be verified → verified; a verifier may reject a result for
    /// retest (back to measuring) or for good (the sample was unsuitable).
    package enum State: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case received
        case inProgress = "in_progress"
        case toVerify = "to_verify"
        case verified, rejected, retest

        package var label: String {
            switch self {
            case .received: "received"
            case .inProgress: "in progress"
            case .toVerify: "to be verified"
            case .verified: "verified"
            case .rejected: "rejected"
            case .retest: "retest"
            }
        }
    }

    package var id: Int64?
    package var orderId: Int64
    package var sampleId: Int64
    package var testId: Int64
    package var state = State.received
    package var value: Double?
    package var unit = ""
    package var low: Double?
    package var high: Double?
    package var flag = ""
    package var instrumentId: Int64?
    package var qcRunId: Int64?
    package var enteredBy: Int64?
    package var enteredAt: Date?
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, state, value, unit, low, high, flag
        case orderId = "order_id"
        case sampleId = "sample_id"
        case testId = "test_id"
        case instrumentId = "instrument_id"
        case qcRunId = "qc_run_id"
        case enteredBy = "entered_by"
        case enteredAt = "entered_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// A verification covers the measurement, not where the workflow stands: moving to
    /// "verified" must not make the signatures that got it there look stale.
    package var signedContent: String {
        get throws {
            var values: [String: AuditValue] = [:]
            for (column, value) in try databaseDictionary where !["state", "updated_at"].contains(column) {
                values[column] = AuditValue(value)
            }
            return AuditValue.encode(values)
        }
    }
}

extension LabOrder {
    /// Files on an order: the submission form, the purchase order, the client's instructions.
    package static let attachable = AttachableRecord(
        LabOrder.self, noun: "order", read: .resultsRead, write: .resultsWrite, page: "/results/orders",
        lookup: "/api/v1/orders/lookup")
}
