import Foundation
import GRDB
import LabBoxPlatform

/// Part of a payment's unallocated credit paid back to the customer.
package struct PaymentRefund: Codable, Sendable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "payment_refunds"
    package static let auditEntity = "payment_refund"

    package var id: Int64?
    package var paymentId: Int64
    package var refundedOn: String
    package var amountMinor: Int64
    package var method: Payment.Method
    package var reference = ""
    package var reason: String
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, method, reference, reason
        case paymentId = "payment_id"
        case refundedOn = "refunded_on"
        case amountMinor = "amount_minor"
        case createdAt = "created_at"
    }
}

/// An uploaded bank statement: its new lines wait for review.
package struct BankStatement: Codable, Sendable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "bank_statements"
    package static let auditEntity = "bank_statement"

    package var id: Int64?
    package var filename: String
    package var lines: Int
    package var skipped: Int
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, filename, lines, skipped
        case createdAt = "created_at"
    }
}

/// A line of a bank statement: money in (or out) on a day, with the text the payer wrote.
package struct BankStatementLine: Codable, Sendable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "bank_statement_lines"
    package static let auditEntity = "bank_statement_line"

    package enum State: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case pending, recorded, ignored
    }

    package var id: Int64?
    package var statementId: Int64
    package var lineNumber: Int
    package var bookedOn: String
    package var amountMinor: Int64
    package var reference: String
    package var counterparty: String
    package var lineHash: String
    package var state: State = .pending
    package var paymentId: Int64?
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, reference, counterparty, state
        case statementId = "statement_id"
        case lineNumber = "line_number"
        case bookedOn = "booked_on"
        case amountMinor = "amount_minor"
        case lineHash = "line_hash"
        case paymentId = "payment_id"
        case updatedAt = "updated_at"
    }
}

/// A dunning reminder of one invoice at one level, sent once.
package struct InvoiceReminder: Codable, Sendable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "invoice_reminders"
    package static let auditEntity = "invoice_reminder"

    package var id: Int64?
    package var invoiceId: Int64
    package var level: Int
    package var sentOn: String
    package var daysPastDue: Int
    package var openMinor: Int64
    package var email: String
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, level, email
        case invoiceId = "invoice_id"
        case sentOn = "sent_on"
        case daysPastDue = "days_past_due"
        case openMinor = "open_minor"
        case createdAt = "created_at"
    }
}
