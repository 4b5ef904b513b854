import Foundation
import GRDB
import LabBoxPlatform
import LabBoxValues

/// A service of the price list: what the lab bills, in which unit, with which VAT.
package struct BillingService: Codable, Sendable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "billing_services"
    package static let auditEntity = "service"

    package var id: Int64?
    package var code: String
    package var name: String
    package var unit: String
    package var vatCategory: String
    package var vatRateBp: Int64
    /// The kind of performed work it bills (``ChargeCapture``), nil when billed by hand only.
    package var work: String?
    /// The ledger account its revenue is booked to in the journal export; empty: the default.
    package var revenueAccount = ""
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, code, name, unit, work
        case revenueAccount = "revenue_account"
        case vatCategory = "vat_category"
        case vatRateBp = "vat_rate_bp"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    package var category: VATCategory { VATCategory(rawValue: vatCategory) ?? .standard }
    package var rate: VATRate { VATRate(basisPoints: vatRateBp) ?? VATRate(basisPoints: 0)! }
}

/// A price of a service from a day (to a day), the list's or one customer's.
package struct ServicePrice: Codable, Sendable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "service_prices"
    package static let auditEntity = "service_price"

    package var id: Int64?
    package var serviceId: Int64
    package var customerId: Int64?
    package var unitPriceE4: Int64
    package var validFrom: String
    package var validTo: String?
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id
        case serviceId = "service_id"
        case customerId = "customer_id"
        case unitPriceE4 = "unit_price_e4"
        case validFrom = "valid_from"
        case validTo = "valid_to"
        case createdAt = "created_at"
    }

    package var unitPrice: UnitPrice { UnitPrice(e4: unitPriceE4) }
}

/// Billable work for a customer: captured from a record of the lab's work, or entered by hand.
/// Its price, VAT and quantity are fixed when it is created; an invoice line copies them.
package struct Charge: Codable, Sendable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "charges"
    package static let auditEntity = "charge"

    package var id: Int64?
    package var customerId: Int64
    package var serviceId: Int64?
    package var description: String
    package var performedOn: String
    package var quantityMilli: Int64
    package var unit: String
    package var unitPriceE4: Int64
    package var vatCategory: String
    package var vatRateBp: Int64
    package var sourceKey: String?
    package var sourceLink = ""
    package var invoiceId: Int64?
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, description, unit
        case customerId = "customer_id"
        case serviceId = "service_id"
        case performedOn = "performed_on"
        case quantityMilli = "quantity_milli"
        case unitPriceE4 = "unit_price_e4"
        case vatCategory = "vat_category"
        case vatRateBp = "vat_rate_bp"
        case sourceKey = "source_key"
        case sourceLink = "source_link"
        case invoiceId = "invoice_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    package var line: InvoiceArithmetic.Line {
        InvoiceArithmetic.Line(
            quantity: Quantity(milli: quantityMilli), unitPrice: UnitPrice(e4: unitPriceE4),
            category: VATCategory(rawValue: vatCategory) ?? .standard,
            rate: VATRate(basisPoints: vatRateBp) ?? VATRate(basisPoints: 0)!)
    }
}

/// A customer's payment as received; allocations settle invoices with it, the rest is credit.
package struct Payment: Codable, Sendable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "payments"
    package static let auditEntity = "payment"

    package enum Method: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case bankTransfer = "bank_transfer"
        case card, cash
        case directDebit = "direct_debit"
        case other

        /// As the office reads it; the API and the database keep the raw value.
        package var label: String {
            switch self {
            case .bankTransfer: "Bank transfer"
            case .card: "Card"
            case .cash: "Cash"
            case .directDebit: "Direct debit"
            case .other: "Other"
            }
        }
    }

    package var id: Int64?
    package var customerId: Int64
    package var receivedOn: String
    package var amountMinor: Int64
    package var method: Method
    package var reference = ""
    package var notes = ""
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, method, reference, notes
        case customerId = "customer_id"
        case receivedOn = "received_on"
        case amountMinor = "amount_minor"
        case createdAt = "created_at"
    }
}

/// Part of a payment settling part of an invoice.
package struct PaymentAllocation: Codable, Sendable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "payment_allocations"
    package static let auditEntity = "payment_allocation"

    package var id: Int64?
    package var paymentId: Int64
    package var invoiceId: Int64
    package var amountMinor: Int64
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id
        case paymentId = "payment_id"
        case invoiceId = "invoice_id"
        case amountMinor = "amount_minor"
        case createdAt = "created_at"
    }
}
