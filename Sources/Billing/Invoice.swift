import Attachments
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// An invoice (UNTDID 1001 type 380) or a credit note (381): a draft until issued, then final.
package struct Invoice: Codable, Sendable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "invoices"
    package static let auditEntity = "invoice"
    /// The buyer's details frozen at issue are the customer's data (decision 0041).
    package static let personalFields: PersonalFields? = .customer(
        ["buyer_name", "buyer_address", "buyer_vat_id", "buyer_email"], idColumn: "customer_id")

    package enum Kind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case invoice
        case creditNote = "credit_note"

        /// The number's series: invoices `2026-000123`, credit notes `CN-2026-000004`.
        package var series: String { self == .invoice ? "" : "CN" }
        package var typeCode: Int { self == .invoice ? 380 : 381 }
        package var label: String { self == .invoice ? "Invoice" : "Credit note" }
    }

    package enum State: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case draft, issued, void
    }

    package var id: Int64?
    package var kind: Kind
    package var state: State
    package var number: String?
    package var customerId: Int64
    package var correctsId: Int64?
    package var issueDate: String?
    package var dueDate: String?
    package var currency: String
    package var rounding: String
    package var purchaseOrder = ""
    package var buyerName = ""
    package var buyerAddress = ""
    package var buyerVatId = ""
    package var buyerEmail = ""
    package var sellerName = ""
    package var sellerAddress = ""
    package var sellerVatId = ""
    package var sellerIban = ""
    package var sellerBic = ""
    package var netMinor: Int64 = 0
    package var vatMinor: Int64 = 0
    package var grossMinor: Int64 = 0
    package var documentSha256 = ""
    package var reason = ""
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, kind, state, number, currency, rounding, reason
        case customerId = "customer_id"
        case correctsId = "corrects_id"
        case issueDate = "issue_date"
        case dueDate = "due_date"
        case purchaseOrder = "purchase_order"
        case buyerName = "buyer_name"
        case buyerAddress = "buyer_address"
        case buyerVatId = "buyer_vat_id"
        case buyerEmail = "buyer_email"
        case sellerName = "seller_name"
        case sellerAddress = "seller_address"
        case sellerVatId = "seller_vat_id"
        case sellerIban = "seller_iban"
        case sellerBic = "seller_bic"
        case netMinor = "net_minor"
        case vatMinor = "vat_minor"
        case grossMinor = "gross_minor"
        case documentSha256 = "document_sha256"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// A line of an invoice: a charge's work, or (on a credit note) a reversed line, as billed.
package struct InvoiceLine: Codable, Sendable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "invoice_lines"
    package static let auditEntity = "invoice_line"

    package var id: Int64?
    package var invoiceId: Int64
    package var position: Int
    package var chargeId: Int64?
    package var correctsLineId: Int64?
    package var description: String
    package var performedOn: String
    package var quantityMilli: Int64
    package var unit: String
    package var unitPriceE4: Int64
    package var vatCategory: String
    package var vatRateBp: Int64
    package var netMinor: Int64

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, position, description, unit
        case invoiceId = "invoice_id"
        case chargeId = "charge_id"
        case correctsLineId = "corrects_line_id"
        case performedOn = "performed_on"
        case quantityMilli = "quantity_milli"
        case unitPriceE4 = "unit_price_e4"
        case vatCategory = "vat_category"
        case vatRateBp = "vat_rate_bp"
        case netMinor = "net_minor"
    }

    package var line: InvoiceArithmetic.Line {
        InvoiceArithmetic.Line(
            quantity: Quantity(milli: quantityMilli), unitPrice: UnitPrice(e4: unitPriceE4),
            category: VATCategory(rawValue: vatCategory) ?? .standard,
            rate: VATRate(basisPoints: vatRateBp) ?? VATRate(basisPoints: 0)!)
    }
}

extension Invoice {
    /// Files on an invoice: the customer's purchase order, delivery notes, correspondence.
    package static let attachable = AttachableRecord(
        Invoice.self, noun: "invoice", read: .billingRead, write: .billingWrite, page: "/billing/invoices",
        lookup: "/api/v1/invoices/lookup")
}
