import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Billing's JSON bodies: amounts as decimal text in the lab's currency (`"1234.50"`), never a
/// binary number, so a client reads exactly what the invoice states.
enum BillingJSON {
    struct Price: Encodable, Sendable, ResponseEncodable {
        let id: Int64
        let customerId: Int64?
        let unitPrice: String
        let validFrom: String
        let validTo: String?

        enum CodingKeys: String, CodingKey {
            case id
            case customerId = "customer_id"
            case unitPrice = "unit_price"
            case validFrom = "valid_from"
            case validTo = "valid_to"
        }

        init(_ price: ServicePrice, _ currency: Currency) {
            (id, customerId, validFrom, validTo) = (price.id ?? 0, price.customerId, price.validFrom, price.validTo)
            unitPrice = price.unitPrice.text(currency)
        }
    }

    struct Service: Encodable, Sendable, ResponseEncodable {
        let id: Int64
        let code: String
        let name: String
        let unit: String
        let vatCategory: String
        let vatRate: String
        let work: String?
        let revenueAccount: String
        let prices: [Price]
        let createdAt: Date
        let updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, code, name, unit, work, prices
            case vatCategory = "vat_category"
            case vatRate = "vat_rate"
            case revenueAccount = "revenue_account"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }

        init(_ service: BillingService, prices: [ServicePrice], _ currency: Currency) {
            (id, code, name, unit, work) = (service.id ?? 0, service.code, service.name, service.unit, service.work)
            revenueAccount = service.revenueAccount
            (vatCategory, vatRate) = (service.vatCategory, service.rate.text)
            self.prices = prices.map { Price($0, currency) }
            (createdAt, updatedAt) = (service.createdAt, service.updatedAt)
        }
    }

    struct Charge: Encodable, Sendable, ResponseEncodable {
        let id: Int64
        let customerId: Int64
        let serviceId: Int64?
        let description: String
        let performedOn: String
        let quantity: String
        let unit: String
        let unitPrice: String
        let vatCategory: String
        let vatRate: String
        let net: String
        let sourceKey: String?
        let sourceLink: String
        let invoiceId: Int64?
        let createdAt: Date

        enum CodingKeys: String, CodingKey {
            case id, description, quantity, unit, net
            case customerId = "customer_id"
            case serviceId = "service_id"
            case performedOn = "performed_on"
            case unitPrice = "unit_price"
            case vatCategory = "vat_category"
            case vatRate = "vat_rate"
            case sourceKey = "source_key"
            case sourceLink = "source_link"
            case invoiceId = "invoice_id"
            case createdAt = "created_at"
        }

        init(_ charge: Billing.Charge, _ currency: Currency) {
            (id, customerId, serviceId) = (charge.id ?? 0, charge.customerId, charge.serviceId)
            (description, performedOn, unit) = (charge.description, charge.performedOn, charge.unit)
            quantity = Quantity(milli: charge.quantityMilli).text
            unitPrice = UnitPrice(e4: charge.unitPriceE4).text(currency)
            (vatCategory, vatRate) = (charge.vatCategory, charge.line.rate.text)
            net = currency.text(
                InvoiceArithmetic.lineNet(charge.line.quantity, charge.line.unitPrice, currency)?.minor ?? 0)
            (sourceKey, sourceLink, invoiceId, createdAt) =
                (charge.sourceKey, charge.sourceLink, charge.invoiceId, charge.createdAt)
        }
    }

    struct Party: Encodable, Sendable {
        let name: String
        let address: String
        let vatId: String

        enum CodingKeys: String, CodingKey {
            case name, address
            case vatId = "vat_id"
        }
    }

    struct Line: Encodable, Sendable {
        let id: Int64
        let position: Int
        let chargeId: Int64?
        let correctsLineId: Int64?
        let description: String
        let performedOn: String
        let quantity: String
        let unit: String
        let unitPrice: String
        let vatCategory: String
        let vatRate: String
        let net: String

        enum CodingKeys: String, CodingKey {
            case id, position, description, quantity, unit, net
            case chargeId = "charge_id"
            case correctsLineId = "corrects_line_id"
            case performedOn = "performed_on"
            case unitPrice = "unit_price"
            case vatCategory = "vat_category"
            case vatRate = "vat_rate"
        }

        init(_ line: InvoiceLine, _ currency: Currency) {
            (id, position, chargeId, correctsLineId) = (line.id ?? 0, line.position, line.chargeId, line.correctsLineId)
            (description, performedOn, unit) = (line.description, line.performedOn, line.unit)
            quantity = Quantity(milli: line.quantityMilli).text
            unitPrice = UnitPrice(e4: line.unitPriceE4).text(currency)
            (vatCategory, vatRate, net) = (line.vatCategory, line.line.rate.text, currency.text(line.netMinor))
        }
    }

    struct VATGroup: Encodable, Sendable {
        let category: String
        let rate: String
        let taxable: String
        let vat: String
    }

    struct Allocation: Encodable, Sendable {
        let paymentId: Int64
        let receivedOn: String
        let amount: String
        let reference: String

        enum CodingKeys: String, CodingKey {
            case amount, reference
            case paymentId = "payment_id"
            case receivedOn = "received_on"
        }
    }

    struct Invoice: Encodable, Sendable, ResponseEncodable {
        let id: Int64
        let kind: String
        let state: String
        let status: String
        let number: String?
        let customerId: Int64
        let customerName: String
        let correctsId: Int64?
        let correctsNumber: String?
        let issueDate: String?
        let dueDate: String?
        let currency: String
        let purchaseOrder: String
        let buyer: Party
        let seller: Party
        let iban: String
        let bic: String
        let net: String
        let vatTotal: String
        let gross: String
        let paid: String
        let credited: String
        let open: String
        let documentSha256: String
        let reason: String
        let lines: [Line]?
        let vat: [VATGroup]?
        let creditNoteIds: [Int64]?
        let payments: [Allocation]?

        enum CodingKeys: String, CodingKey {
            case id, kind, state, status, number, currency, buyer, seller, iban, bic, net, gross, paid, credited, open,
                reason, lines, vat, payments
            case customerId = "customer_id"
            case customerName = "customer_name"
            case correctsId = "corrects_id"
            case correctsNumber = "corrects_number"
            case issueDate = "issue_date"
            case dueDate = "due_date"
            case purchaseOrder = "purchase_order"
            case vatTotal = "vat_total"
            case documentSha256 = "document_sha256"
            case creditNoteIds = "credit_note_ids"
        }

        init(_ summary: InvoiceSummary, document: InvoiceDocument? = nil) {
            let invoice = summary.invoice
            let currency = Currency(invoice.currency) ?? .euro
            (id, kind, state, status) =
                (invoice.id ?? 0, invoice.kind.rawValue, invoice.state.rawValue, summary.status.rawValue)
            (number, customerId, customerName) = (invoice.number, invoice.customerId, summary.customerName)
            (correctsId, correctsNumber) = (invoice.correctsId, document?.corrects)
            (issueDate, dueDate, self.currency) = (invoice.issueDate, invoice.dueDate, currency.code)
            purchaseOrder = invoice.purchaseOrder
            buyer = Party(name: invoice.buyerName, address: invoice.buyerAddress, vatId: invoice.buyerVatId)
            seller = Party(name: invoice.sellerName, address: invoice.sellerAddress, vatId: invoice.sellerVatId)
            (iban, bic) = (invoice.sellerIban, invoice.sellerBic)
            net = currency.text(invoice.netMinor)
            vatTotal = currency.text(invoice.vatMinor)
            gross = currency.text(invoice.grossMinor)
            paid = currency.text(summary.paid)
            credited = currency.text(summary.credited)
            open = currency.text(summary.open)
            (documentSha256, reason) = (invoice.documentSha256, invoice.reason)
            lines = document?.lines.map { Line($0, currency) }
            vat = document?.groups.map {
                VATGroup(
                    category: $0.category.rawValue, rate: $0.rate.text, taxable: currency.text($0.taxable.minor),
                    vat: currency.text($0.vat.minor))
            }
            creditNoteIds = document?.creditNotes.compactMap(\.id)
            payments = document?.allocations.map {
                Allocation(
                    paymentId: $0.paymentId, receivedOn: $0.receivedOn, amount: currency.text($0.amount),
                    reference: $0.reference)
            }
        }
    }

    struct Payment: Encodable, Sendable, ResponseEncodable {
        let id: Int64
        let customerId: Int64
        let customerName: String
        let receivedOn: String
        let amount: String
        let method: String
        let reference: String
        let notes: String
        let allocated: String
        let refunded: String
        let unallocated: String
        let createdAt: Date

        enum CodingKeys: String, CodingKey {
            case id, amount, method, reference, notes, allocated, refunded, unallocated
            case customerId = "customer_id"
            case customerName = "customer_name"
            case receivedOn = "received_on"
            case createdAt = "created_at"
        }

        init(_ settled: PaymentStore.Settled, _ currency: Currency) {
            let payment = settled.payment
            (id, customerId, customerName) = (payment.id ?? 0, payment.customerId, settled.customerName)
            (receivedOn, amount, method) = (
                payment.receivedOn, currency.text(payment.amountMinor), payment.method.rawValue
            )
            (reference, notes, createdAt) = (payment.reference, payment.notes, payment.createdAt)
            allocated = currency.text(settled.allocated)
            refunded = currency.text(settled.refunded)
            unallocated = currency.text(settled.unallocated)
        }
    }

    /// The aging report, written as bytes with ``JSONText``: it has a row for every customer who
    /// owes, and at 10,000 of them `JSONEncoder` took a quarter of the request (docs/BENCHMARKS.md,
    /// ninth round). Amounts are decimal text, as everywhere in billing.
    struct Aging: ResponseGenerator, Sendable {
        let aging: PaymentStore.Aging
        let currency: Currency

        init(_ aging: PaymentStore.Aging, _ currency: Currency) {
            self.aging = aging
            self.currency = currency
        }

        /// Each bucket's key in `amounts` and `totals`, in the order they are written.
        private static let keys: [(StaticString, PaymentStore.Bucket)] = [
            (#"{"current":"#, .current), (#","days_1_30":"#, .days1to30), (#","days_31_60":"#, .days31to60),
            (#","days_61_90":"#, .days61to90), (#","over_90":"#, .over90),
        ]

        func response(from request: Request, context: some RequestContext) throws -> Response {
            var json: [UInt8] = []
            json.reserveCapacity(256 * aging.rows.count + 256)
            json += #"{"as_of":"#.utf8
            JSONText.append(aging.asOf, to: &json)
            json += #","currency":"#.utf8
            JSONText.append(currency.code, to: &json)
            json += #","customers":["#.utf8
            for (index, row) in aging.rows.enumerated() {
                json += (index == 0 ? #"{"customer_id":"# : #",{"customer_id":"#).utf8
                JSONText.append(row.customerId, to: &json)
                json += #","customer_name":"#.utf8
                JSONText.append(row.customerName, to: &json)
                json += #","amounts":"#.utf8
                append(row.amounts, to: &json)
                json.append(UInt8(ascii: "}"))
            }
            json += #"],"totals":"#.utf8
            append(aging.totals, to: &json)
            json.append(UInt8(ascii: "}"))
            return JSONText.response(json)
        }

        private func append(_ amounts: [PaymentStore.Bucket: Int64], to json: inout [UInt8]) {
            for (key, bucket) in Self.keys {
                JSONText.append(raw: key, to: &json)
                JSONText.append(currency.text(amounts[bucket] ?? 0), to: &json)
            }
            json += #","total":"#.utf8
            JSONText.append(currency.text(amounts.values.reduce(0, +)), to: &json)
            json.append(UInt8(ascii: "}"))
        }
    }
}

extension BillingJSON {
    struct Revenue: Encodable, Sendable, ResponseEncodable {
        struct Amounts: Encodable, Sendable {
            let net: String
            let vat: String
            let gross: String

            init(net: Int64, vat: Int64, _ currency: Currency) {
                (self.net, self.vat, gross) = (currency.text(net), currency.text(vat), currency.text(net + vat))
            }
        }
        struct Sum: Encodable, Sendable {
            let key: String
            let label: String
            let amounts: Amounts
        }
        struct Row: Encodable, Sendable {
            let month: String
            let serviceId: Int64?
            let service: String
            let customerId: Int64
            let customer: String
            let amounts: Amounts

            enum CodingKeys: String, CodingKey {
                case month, service, customer, amounts
                case serviceId = "service_id"
                case customerId = "customer_id"
            }
        }
        let from: String
        let to: String
        let currency: String
        let rows: [Row]
        let byMonth: [Sum]
        let byService: [Sum]
        let byCustomer: [Sum]
        let total: Amounts

        enum CodingKeys: String, CodingKey {
            case from, to, currency, rows, total
            case byMonth = "by_month"
            case byService = "by_service"
            case byCustomer = "by_customer"
        }

        init(_ report: RevenueReport, _ currency: Currency) {
            func sums(_ list: [RevenueReport.Sum]) -> [Sum] {
                list.map { Sum(key: $0.key, label: $0.label, amounts: Amounts(net: $0.net, vat: $0.vat, currency)) }
            }
            (from, to, self.currency) = (report.from, report.to, currency.code)
            rows = report.rows.map {
                Row(
                    month: $0.month, serviceId: $0.serviceId, service: $0.service, customerId: $0.customerId,
                    customer: $0.customer, amounts: Amounts(net: $0.net, vat: $0.vat, currency))
            }
            (byMonth, byService, byCustomer) = (sums(report.byMonth), sums(report.byService), sums(report.byCustomer))
            total = Amounts(net: report.total.net, vat: report.total.vat, currency)
        }
    }
}
