import LabBoxPlatform
import LabBoxServer

// The JSON API documentation of the routes of Billing: each operation is named where its route is
// declared. Amounts are decimal text in the lab's currency (billing.currency), never numbers.

extension APIOperation {
    package static let listServices = APIOperation(
        "List the price list", "Every service by code, each with its prices, newest first.",
        responses: [200: .json(.list(of: .service), "The services.")])

    package static let addService = APIOperation(
        "Add a service",
        "With its first list price (unit_price from valid_from, today when absent). Audited.",
        body: .json(.serviceInput),
        responses: [
            201: .json(.service, "Created."),
            409: "The code, or the work billed, is another service's.",
            422: "A rule failed (field names it): VAT category and rate, price, code.",
        ])

    package static let oneService = APIOperation(
        "One service", parameters: [.id],
        responses: [200: .json(.service, "The service and its prices."), 404: "No such service."])

    package static let changeService = APIOperation(
        "Change a service",
        "Only given fields change (prices do not: add one). Charges already made keep their price and VAT.",
        parameters: [.id], body: .json(.serviceInput),
        responses: [
            200: .json(.service, "Changed."),
            404: "No such service.",
            409: "The code, or the work billed, is another service's.",
            422: "A rule failed (field names it).",
        ])

    package static let addServicePrice = APIOperation(
        "Add a price to a service",
        "From valid_from (to valid_to); with customer_id, that customer's own price. Work is billed at the price valid on the day it was performed: the customer's own, else the list's, the latest valid_from winning.",
        parameters: [.id], body: .json(.priceInput),
        responses: [
            201: .json(.servicePrice, "Added."),
            404: "No such service.",
            422: "A rule failed (field names it).",
        ])

    package static let listCharges = APIOperation(
        "List charges",
        parameters: [
            .query("customer_id", "One customer's.", .recordID),
            .query("unbilled", "true: only those on no invoice.", .enumeration(["true", "false"])),
            .query("invoice_id", "Those an invoice bills.", .recordID),
        ],
        responses: [200: .json(.list(of: .charge), "Up to 500, by day."), 400: "A bad parameter."])

    package static let addCharge = APIOperation(
        "Add a manual charge",
        "With service_id, the service's unit, VAT and (unless unit_price is given) its price on performed_on. Quantities are above 0; credit notes reverse work.",
        body: .json(.chargeInput),
        responses: [201: .json(.charge, "Created."), 422: "A rule failed (field names it)."])

    package static let removeCharge = APIOperation(
        "Remove an unbilled charge", parameters: [.id, .query("reason", "Recorded in the audit trail.")],
        responses: [204: .empty("Removed."), 404: "No such charge.", 409: "It is on an invoice."])

    package static let captureCharges = APIOperation(
        "Charge performed work now",
        "Verified lab analyses, OPU sessions, IVF batches and embryo transfers whose service (work) has a price on their day become charges, once each. The billing_capture schedule does the same.",
        responses: [200: .json(.object(["captured": .integer]), "How many charges were made.")])

    package static let unbilledWork = APIOperation(
        "Unbilled work per customer", "Captures performed work first.",
        responses: [
            200: .json(
                .list(
                    of: .object([
                        "customer_id": .integer, "customer_name": .string, "charges": .integer, "since": .date,
                        "net": .string,
                    ])), "Per customer: how many charges, the earliest day, the net total.")
        ])

    package static let findInvoices = lookup(
        "invoice", matchedBy: "number",
        filters: [
            .query(
                "open", "true: only issued invoices with something left to pay.", .enumeration(["true", "false"]))
        ])

    package static let listInvoices = APIOperation(
        "List invoices and credit notes", "Newest first, up to 200, each with its status and open amount.",
        parameters: [
            .query("customer_id", "One customer's.", .recordID),
            .query("state", "draft, issued or void.", .enumeration(["draft", "issued", "void"])),
            .query("kind", "invoice or credit_note.", .enumeration(["invoice", "credit_note"])),
            .query("purchase_order", "Those whose purchase-order number contains this, in any case."),
        ],
        responses: [200: .json(.list(of: .invoice), "The invoices (without lines)."), 400: "A bad parameter."])

    package static let draftInvoice = APIOperation(
        "Draft an invoice from unbilled charges",
        "All of the customer's unbilled charges, or those of charge_ids. A draft has no number.",
        body: .json(.draftInput),
        responses: [201: .json(.invoice, "The draft."), 422: "No unbilled work, or a charge that is not (field)."])

    package static let oneInvoice = APIOperation(
        "One invoice or credit note", parameters: [.id],
        responses: [200: .json(.invoice, "With lines, VAT breakdown and payments."), 404: "No such invoice."])

    package static let invoiceEInvoice = APIOperation(
        "An issued invoice or credit note as an e-invoice",
        "EN 16931 in UN/CEFACT CII syntax (the Factur-X / ZUGFeRD EN 16931 profile): type code 380 or 381 (with the invoice it corrects, BT-25), parties, lines, VAT breakdown, totals, payment means and due date, as issued. An attachment named after the number.",
        parameters: [.id],
        responses: [
            200: .file("application/xml", "The CrossIndustryInvoice document."),
            404: "No such invoice.",
            409: "A draft (it has no number yet), or neither party's country is known.",
        ])

    package static let changeDraftInvoice = APIOperation(
        "Change a draft", "The purchase order or due date of a draft.", parameters: [.id],
        body: .json(.draftInput),
        responses: [
            200: .json(.invoice, "Changed."), 404: "No such invoice.", 409: "Issued or void: it never changes.",
            422: "A rule failed (field names it).",
        ])

    package static let discardDraftInvoice = APIOperation(
        "Discard a draft", "Its charges are unbilled again.", parameters: [.id],
        responses: [204: .empty("Discarded."), 404: "No such invoice.", 409: "Issued or void: it is kept."])

    package static let issueInvoice = APIOperation(
        "Issue a draft",
        "Assigns the next gap-free number of the year (2026-000123), today's date and the due date; freezes the buyer's and seller's details, lines, VAT breakdown and totals; the SHA-256 of the document is in the audit event.",
        parameters: [.id],
        responses: [
            200: .json(.invoice, "Issued."), 404: "No such invoice.", 409: "Already issued or void.",
            422: "No lines, or reverse charge without the buyer's VAT id.",
        ])

    package static let voidInvoice = APIOperation(
        "Void an issued invoice",
        "Only without payments or credit notes; the number stays used and the charges are unbilled again.",
        parameters: [.id], body: .json(.reasonInput),
        responses: [
            200: .json(.invoice, "Void."), 404: "No such invoice.", 409: "Not issued, paid or credited.",
            422: "No reason.",
        ])

    package static let creditInvoice = APIOperation(
        "Issue a credit note",
        "Reverses the given lines (quantity: all not yet credited when absent), or every line; numbered CN-2026-000001.",
        parameters: [.id], body: .json(.creditInput),
        responses: [
            201: .json(.invoice, "The issued credit note."), 404: "No such invoice.",
            409: "Not an issued invoice, or credited in full.", 422: "A rule failed (field names it).",
        ])

    package static let listPayments = APIOperation(
        "List payments", "Newest received first, a page at a time.",
        parameters: [.query("customer_id", "One customer's.", .recordID), .limit, .cursor],
        responses: [200: .json(.page(of: .payment), "A page of payments."), 400: "A bad parameter."])

    package static let recordPayment = APIOperation(
        "Record a payment",
        "Optionally allocated to open invoices of the customer; what is not allocated is the customer's credit.",
        body: .json(.paymentInput),
        responses: [
            201: .json(.payment, "Recorded."),
            409: "An allocation to a draft or void invoice.",
            422: "A rule failed (field names it): an allocation beyond the open amount or the payment.",
        ])

    package static let onePayment = APIOperation(
        "One payment", parameters: [.id], responses: [200: .json(.payment, "The payment."), 404: "No such payment."])

    package static let allocatePayment = APIOperation(
        "Allocate a payment to invoices", "Never beyond what an invoice owes or the payment has left.",
        parameters: [.id], body: .json(.object(["allocations": .array(.allocationInput)])),
        responses: [
            200: .json(.payment, "Allocated."), 404: "No such payment.", 409: "A draft or void invoice.",
            422: "A rule failed (field names it).",
        ])

    package static let agingReport = APIOperation(
        "Aging of receivables",
        "Open amounts on as_of (today when absent) by days past due, per customer and in total: invoices issued by then, less credit notes issued and payments received by then.",
        parameters: [.query("as_of", "YYYY-MM-DD.", .date)],
        responses: [200: .json(.aging, "The report."), 400: "A bad date."])
}

extension APISchema {
    static let money = APISchema.string.described("Decimal text in the lab's currency, e.g. 1234.50.")

    static func list(of item: APISchema) -> APISchema { .object(["items": .array(item)]) }

    static let servicePrice: APISchema = .object([
        "id": .integer, "customer_id": .integer.described("Present for a customer's own price."),
        "unit_price": .string.described("Net, up to 4 decimals."), "valid_from": .date,
        "valid_to": .date.described("Present when the price ends."),
    ]).named("ServicePrice")

    static let service: APISchema = .object([
        "id": .integer, "code": .string, "name": .string, "unit": .string,
        "vat_category": .enumeration(["S", "Z", "E", "AE", "K", "G", "O"]), "vat_rate": .string,
        "work": .string.described(
            "opu_session, ivf_batch, embryo_transfer, storage_straw_month or lab_test:<code>; absent: manual only."),
        "revenue_account": .string.described("Journal export: its revenue account; empty: billing.account_revenue."),
        "prices": .array(.servicePrice), "created_at": .dateTime, "updated_at": .dateTime,
    ]).named("Service")

    static let serviceInput: APISchema = .object([
        "code": .string(maxLength: 32), "name": .string(maxLength: 200), "unit": .string(maxLength: 50),
        "vat_category": .string(maxLength: 2).described("S, Z, E, AE, K, G or O (UNTDID 5305)."),
        "vat_rate": .string(maxLength: 6).described("Per cent: 19, 7.7; above 0 only for S."),
        "work": .string(maxLength: 50).described("The performed work it bills; empty: none."),
        "unit_price": .string(maxLength: 20).described("Net, up to 4 decimals; on create only."),
        "valid_from": .string(maxLength: 10).described("The first price's first day; on create only."),
        "revenue_account": .string(maxLength: 20).described("The ledger account of its revenue; empty: the default."),
        "reason": .string(maxLength: AuditTrail.maxReason),
    ]).described("code, name and unit_price are required on create.").named("ServiceInput")

    static let priceInput: APISchema = .object([
        "unit_price": .string(maxLength: 20), "valid_from": .string(maxLength: 10),
        "valid_to": .string(maxLength: 10), "customer_id": .recordID,
    ]).named("PriceInput")

    static let charge: APISchema = .object([
        "id": .integer, "customer_id": .integer, "service_id": .integer, "description": .string,
        "performed_on": .date, "quantity": .string, "unit": .string, "unit_price": .string, "vat_category": .string,
        "vat_rate": .string, "net": .money,
        "source_key": .string.described("The record it was captured from, e.g. opu_session:3; absent: manual."),
        "source_link": .string, "invoice_id": .integer.described("Present once on an invoice."),
        "created_at": .dateTime,
    ]).named("Charge")

    static let chargeInput: APISchema = .object([
        "customer_id": .recordID, "service_id": .recordID, "description": .string(maxLength: 500),
        "performed_on": .string(maxLength: 10), "quantity": .string(maxLength: 20).described("Above 0; 1 when absent."),
        "unit": .string(maxLength: 50), "unit_price": .string(maxLength: 20),
        "vat_category": .string(maxLength: 2), "vat_rate": .string(maxLength: 6),
        "currency": .string(maxLength: 3).described("ISO 4217; when given, the lab's (billing.currency)."),
    ]).named("ChargeInput")

    static let party: APISchema = .object(["name": .string, "address": .string, "vat_id": .string])

    static let invoice: APISchema = .object([
        "id": .integer, "kind": .enumeration(["invoice", "credit_note"]),
        "state": .enumeration(["draft", "issued", "void"]),
        "status": .enumeration(["draft", "void", "open", "partly_paid", "paid", "overdue", "issued"]),
        "number": .string, "customer_id": .integer, "customer_name": .string, "corrects_id": .integer,
        "corrects_number": .string, "issue_date": .date, "due_date": .date, "currency": .string,
        "purchase_order": .string, "buyer": .party, "seller": .party, "iban": .string, "bic": .string,
        "net": .money, "vat_total": .money, "gross": .money, "paid": .money, "credited": .money, "open": .money,
        "document_sha256": .string, "reason": .string,
        "lines": .array(
            .object([
                "id": .integer, "position": .integer, "charge_id": .integer, "corrects_line_id": .integer,
                "description": .string, "performed_on": .date, "quantity": .string, "unit": .string,
                "unit_price": .string, "vat_category": .string, "vat_rate": .string, "net": .money,
            ])),
        "vat": .array(.object(["category": .string, "rate": .string, "taxable": .money, "vat": .money])),
        "credit_note_ids": .array(.integer),
        "payments": .array(
            .object(["payment_id": .integer, "received_on": .date, "amount": .money, "reference": .string])),
    ]).named("Invoice")

    static let draftInput: APISchema = .object([
        "customer_id": .recordID, "charge_ids": .array(.recordID), "purchase_order": .string(maxLength: 100),
        "due_date": .string(maxLength: 10),
    ]).named("DraftInput")

    static let reasonInput: APISchema = .object(["reason": .string(maxLength: AuditTrail.maxReason)])

    static let creditInput: APISchema = .object([
        "reason": .string(maxLength: AuditTrail.maxReason),
        "lines": .array(.object(["line_id": .recordID, "quantity": .string(maxLength: 20)], required: ["line_id"])),
    ]).named("CreditInput")

    static let payment: APISchema = .object([
        "id": .integer, "customer_id": .integer, "customer_name": .string, "received_on": .date,
        "amount": .money, "method": .enumeration(["bank_transfer", "card", "cash", "direct_debit", "other"]),
        "reference": .string, "notes": .string, "allocated": .money,
        "refunded": .money.described("Of its credit, paid back to the customer."),
        "unallocated": .money.described("The customer's credit: not allocated, not refunded."),
        "created_at": .dateTime,
    ]).named("Payment")

    static let allocationInput: APISchema = .object(
        ["invoice_id": .recordID, "amount": .string(maxLength: 20)], required: ["invoice_id", "amount"]
    ).named("AllocationInput")

    static let paymentInput: APISchema = .object([
        "customer_id": .recordID, "received_on": .string(maxLength: 10), "amount": .string(maxLength: 20),
        "method": .string(maxLength: 20), "reference": .string(maxLength: 200), "notes": .string(maxLength: 2000),
        "allocations": .array(.allocationInput),
        "currency": .string(maxLength: 3).described("ISO 4217; when given, the lab's (billing.currency)."),
    ]).named("PaymentInput")

    static let agingAmounts: APISchema = .object([
        "current": .money, "days_1_30": .money, "days_31_60": .money, "days_61_90": .money, "over_90": .money,
        "total": .money,
    ])

    static let aging: APISchema = .object([
        "as_of": .date, "currency": .string,
        "customers": .array(.object(["customer_id": .integer, "customer_name": .string, "amounts": .agingAmounts])),
        "totals": .agingAmounts,
    ]).named("Aging")
}
