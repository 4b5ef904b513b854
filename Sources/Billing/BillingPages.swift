import Attachments
import Collaboration
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

// The billing pages' models (decision 0020): each template renders one of these, amounts already
// as text in the lab's currency.

/// `billing/overview.mustache`: unbilled work per customer and the latest invoices.
struct BillingOverviewPage: Encodable {
    struct Unbilled: Encodable {
        let customerId: Int64
        let customer: String
        let charges: Int
        let since: String
        let net: String
    }
    let unbilled: [Unbilled]
    let invoices: [InvoiceRow]
    let currency: String
    let canWrite: Bool
    let hasUnbilled: Bool
    let hasInvoices: Bool
    /// The month-end forms' defaults.
    let lastMonth = StorageAccrual.lastMonth
    let today = Day.today
}

/// An invoice in a table.
struct InvoiceRow: Encodable {
    let id: Int64
    let number: String
    let kind: String
    let customerId: Int64
    let customer: String
    let purchaseOrder: String
    let issueDate: String
    let dueDate: String
    let gross: String
    let open: String
    let status: String
    let statusLabel: String

    init(_ summary: InvoiceSummary) {
        let invoice = summary.invoice
        let currency = Currency(invoice.currency) ?? .euro
        (id, kind, customerId, customer) =
            (invoice.id ?? 0, invoice.kind.label, invoice.customerId, summary.customerName)
        number = invoice.number ?? "draft"
        purchaseOrder = invoice.purchaseOrder
        (issueDate, dueDate) = (invoice.issueDate ?? "—", invoice.dueDate ?? "—")
        (gross, open) = (currency.text(invoice.grossMinor), currency.text(summary.open))
        (status, statusLabel) = (summary.status.rawValue, summary.status.label)
    }
}

/// `billing/invoices.mustache`.
struct InvoicesPage: Encodable {
    let invoices: [InvoiceRow]
    let hasInvoices: Bool
    let states: [Choice]
    let purchaseOrder: String
    let currency: String
}

/// `billing/services.mustache`: the price list and the new-service form.
struct ServicesPage: Encodable {
    struct Row: Encodable {
        let id: Int64
        let code: String
        let name: String
        let unit: String
        let vat: String
        let work: String
        let price: String
    }
    let services: [Row]
    let hasServices: Bool
    let categories: [Choice]
    let currency: String
    let canWrite: Bool
    let error: String?
}

/// `billing/service.mustache`: one service, its prices and its forms.
struct ServicePage: Encodable {
    struct Price: Encodable {
        let customer: String
        let unitPrice: String
        let validFrom: String
        let validTo: String
    }
    let id: Int64
    let code: String
    let name: String
    let unit: String
    let vatRate: String
    let work: String
    let revenueAccount: String
    let categories: [Choice]
    let prices: [Price]
    let customers: [Choice]
    let currency: String
    let canWrite: Bool
}

/// `billing/customer.mustache`: a customer's unbilled work, invoices and payments.
struct CustomerBillingPage: Encodable {
    struct ChargeRow: Encodable {
        let performedOn: String
        let description: String
        let quantity: String
        let unit: String
        let unitPrice: String
        let vat: String
        let net: String
        let link: String
    }
    let customerId: Int64
    let customer: String
    let charges: [ChargeRow]
    let hasCharges: Bool
    let unbilledNet: String
    let invoices: [InvoiceRow]
    let hasInvoices: Bool
    let services: [Choice]
    let credit: String
    let currency: String
    let canWrite: Bool
}

/// `billing/invoice.mustache` and `billing/invoice-print.mustache`.
struct InvoicePage: Encodable {
    struct Line: Encodable {
        let position: Int
        let description: String
        let performedOn: String
        let quantity: String
        let unit: String
        let unitPrice: String
        let vat: String
        let net: String
    }
    struct Group: Encodable {
        let label: String
        let taxable: String
        let vat: String
    }
    struct Related: Encodable {
        let id: Int64
        let label: String
    }
    let id: Int64
    let title: String
    let number: String
    let typeCode: Int
    let isDraft: Bool
    let isIssuedInvoice: Bool
    let status: String
    let statusLabel: String
    let customerId: Int64
    let issueDate: String
    let dueDate: String
    let purchaseOrder: String
    let buyer: [String]
    let buyerVatId: String
    let seller: [String]
    let sellerVatId: String
    let iban: String
    let bic: String
    let lines: [Line]
    let groups: [Group]
    let net: String
    let vat: String
    let gross: String
    let paid: String
    let open: String
    let currency: String
    let corrects: Related?
    let creditNotes: [Related]
    let payments: [Related]
    let reason: String
    let sha256: String
    let paper: String
    let canWrite: Bool
    /// Not on the printed invoice.
    var attachments: AttachmentPanel?
    var activity: RecordActivity?
}

/// `billing/payments.mustache`: payments and the record form.
struct PaymentsPage: Encodable {
    struct Row: Encodable {
        let id: Int64
        let receivedOn: String
        let customer: String
        let amount: String
        let method: String
        let reference: String
        let unallocated: String
    }
    let payments: [Row]
    let methods: [Choice]
    let currency: String
    let canWrite: Bool
    /// The query of the next (older) page, and the link back to the first.
    let next: String?
    let firstPage: String?
}

/// `billing/aging.mustache`.
struct AgingPage: Encodable {
    struct Row: Encodable {
        let customerId: Int64
        let customer: String
        let current: String
        let days1To30: String
        let days31To60: String
        let days61To90: String
        let over90: String
        let total: String
    }
    let asOf: String
    let rows: [Row]
    let totals: Row
    let currency: String
}

// The posted forms. Ids are text: a browser sends "" for an unchosen menu.

struct ServiceForm: Decodable {
    var code: String?
    var name: String?
    var unit: String?
    var vatCategory: String?
    var vatRate: String?
    var work: String?
    var unitPrice: String?
    var validFrom: String?
    var revenueAccount: String?

    enum CodingKeys: String, CodingKey {
        case code, name, unit, work
        case vatCategory = "vat_category"
        case vatRate = "vat_rate"
        case unitPrice = "unit_price"
        case validFrom = "valid_from"
        case revenueAccount = "revenue_account"
    }

    var input: PriceListStore.ServiceInput {
        PriceListStore.ServiceInput(
            code: code, name: name, unit: unit, vatCategory: vatCategory, vatRate: vatRate, work: work,
            unitPrice: FormText.text(unitPrice), validFrom: validFrom, revenueAccount: revenueAccount)
    }
}

struct PriceForm: Decodable {
    var unitPrice: String?
    var validFrom: String?
    var validTo: String?
    var customerId: String?

    enum CodingKeys: String, CodingKey {
        case unitPrice = "unit_price"
        case validFrom = "valid_from"
        case validTo = "valid_to"
        case customerId = "customer_id"
    }

    func input() throws -> PriceListStore.PriceInput {
        PriceListStore.PriceInput(
            unitPrice: unitPrice, validFrom: validFrom, validTo: validTo,
            customerId: try FormText.id(customerId, field: "customer_id"))
    }
}

struct ChargeForm: Decodable {
    var customerId: String?
    var serviceId: String?
    var description: String?
    var performedOn: String?
    var quantity: String?
    var unitPrice: String?

    enum CodingKeys: String, CodingKey {
        case description, quantity
        case customerId = "customer_id"
        case serviceId = "service_id"
        case performedOn = "performed_on"
        case unitPrice = "unit_price"
    }

    func input() throws -> ChargeStore.Input {
        ChargeStore.Input(
            customerId: try FormText.id(customerId, field: "customer_id"),
            serviceId: try FormText.id(serviceId, field: "service_id"), description: FormText.text(description),
            performedOn: performedOn, quantity: FormText.text(quantity), unitPrice: FormText.text(unitPrice))
    }
}

struct DraftForm: Decodable {
    var customerId: String?
    var purchaseOrder: String?

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id"
        case purchaseOrder = "purchase_order"
    }
}

struct ReasonForm: Decodable {
    var reason: String?
}

struct PaymentForm: Decodable {
    var customerId: String?
    var receivedOn: String?
    var amount: String?
    var method: String?
    var reference: String?
    var invoiceId: String?

    enum CodingKeys: String, CodingKey {
        case amount, method, reference
        case customerId = "customer_id"
        case receivedOn = "received_on"
        case invoiceId = "invoice_id"
    }

    /// The payment, allocated in full (or up to what is open) to the chosen invoice.
    func input() throws -> PaymentStore.Input {
        let invoice = try FormText.id(invoiceId, field: "invoice_id")
        return PaymentStore.Input(
            customerId: try FormText.id(customerId, field: "customer_id"), receivedOn: receivedOn,
            amount: FormText.text(amount), method: method, reference: reference,
            allocations: invoice.map { [PaymentStore.AllocationInput(invoiceId: $0, amount: amount ?? "")] })
    }
}

extension InvoicePage {
    init(_ document: InvoiceDocument, paper: String, canWrite: Bool) {
        let invoice = document.invoice
        let summary = document.summary
        let currency = Currency(invoice.currency) ?? .euro
        id = invoice.id ?? 0
        number = invoice.number ?? "draft"
        title = "\(invoice.kind.label) \(number)"
        typeCode = invoice.kind.typeCode
        isDraft = invoice.state == .draft
        isIssuedInvoice = invoice.state == .issued && invoice.kind == .invoice
        (status, statusLabel) = (summary.status.rawValue, summary.status.label)
        customerId = invoice.customerId
        (issueDate, dueDate) = (invoice.issueDate ?? "on issue", invoice.dueDate ?? "on issue")
        purchaseOrder = invoice.purchaseOrder
        // A draft shows the buyer as the customer is now; issuing freezes it.
        buyer =
            (invoice.buyerName.isEmpty ? [summary.customerName] : [invoice.buyerName])
            + invoice.buyerAddress.split(separator: "\n").map(String.init)
        buyerVatId = invoice.buyerVatId
        seller = [invoice.sellerName] + invoice.sellerAddress.split(separator: "\n").map(String.init)
        (sellerVatId, iban, bic) = (invoice.sellerVatId, invoice.sellerIban, invoice.sellerBic)
        lines = document.lines.map {
            Line(
                position: $0.position, description: $0.description, performedOn: $0.performedOn,
                quantity: Quantity(milli: $0.quantityMilli).text, unit: $0.unit,
                unitPrice: UnitPrice(e4: $0.unitPriceE4).text(currency),
                vat: "\($0.vatCategory) \($0.line.rate.text) %",
                net: currency.text($0.netMinor))
        }
        groups = document.groups.map {
            Group(
                label: "\($0.category.rawValue) \($0.rate.text) % (\($0.category.label))",
                taxable: currency.text($0.taxable.minor), vat: currency.text($0.vat.minor))
        }
        (net, vat, gross) =
            (currency.text(invoice.netMinor), currency.text(invoice.vatMinor), currency.text(invoice.grossMinor))
        (paid, open) = (currency.text(summary.paid), currency.text(summary.open))
        self.currency = currency.code
        corrects = invoice.correctsId.map { Related(id: $0, label: document.corrects ?? "#\($0)") }
        creditNotes = document.creditNotes.map { Related(id: $0.id ?? 0, label: $0.number ?? "draft") }
        payments = document.allocations.map {
            Related(id: $0.paymentId, label: "\($0.receivedOn): \(currency.text($0.amount)) \($0.reference)")
        }
        (reason, sha256, self.paper) = (invoice.reason, invoice.documentSha256, paper)
        self.canWrite = canWrite
    }
}
