import Foundation
import GRDB
import Hummingbird

/// A customer's request for tests on samples.
struct LabOrder: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord,
    ResponseEncodable
{
    static let databaseTableName = "lab_orders"
    static let auditEntity = "lab_order"

    var id: Int64?
    var customerId: Int64
    var orderedOn: String
    var reference = ""
    var notes = ""
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, reference, notes
        case customerId = "customer_id"
        case orderedOn = "ordered_on"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One test on one sample of an order, from receipt to a verified result.
struct Analysis: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord,
    ResponseEncodable
{
    static let databaseTableName = "analyses"
    static let auditEntity = "result"

    /// received → in progress → to be verified → verified; a verifier may reject a result for
    /// retest (back to measuring) or for good (the sample was unsuitable).
    enum State: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case received
        case inProgress = "in_progress"
        case toVerify = "to_verify"
        case verified, rejected, retest

        var label: String {
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

    var id: Int64?
    var orderId: Int64
    var sampleId: Int64
    var testId: Int64
    var state = State.received
    var value: Double?
    var unit = ""
    var low: Double?
    var high: Double?
    var flag = ""
    var instrumentId: Int64?
    var qcRunId: Int64?
    var enteredBy: Int64?
    var enteredAt: Date?
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
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

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// A verification covers the measurement, not where the workflow stands: moving to
    /// "verified" must not make the signatures that got it there look stale.
    var signedContent: String {
        get throws {
            var values: [String: AuditValue] = [:]
            for (column, value) in try databaseDictionary where !["state", "updated_at"].contains(column) {
                values[column] = AuditValue(value)
            }
            return AuditValue.encode(values)
        }
    }
}
