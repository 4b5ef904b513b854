import Customers
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Charges: billable work per customer, captured from the lab's records (``ChargeCapture``) or
/// entered by hand. The only place with the charges' SQL.
package struct ChargeStore: Sendable {
    package let database: AppDatabase
    package let settings: BillingSettings

    /// A manual charge. With a service, its unit, VAT and (unless given) the price valid on the
    /// day; without one, all of them are given.
    package struct Input: Codable, Sendable {
        package var customerId: Int64?
        package var serviceId: Int64?
        package var description: String?
        package var performedOn: String?
        package var quantity: String?
        package var unit: String?
        package var unitPrice: String?
        package var vatCategory: String?
        package var vatRate: String?
        /// The unit price's currency when the client states it: the lab's, or refused.
        package var currency: String?

        package enum CodingKeys: String, CodingKey {
            case description, quantity, unit, currency
            case customerId = "customer_id"
            case serviceId = "service_id"
            case performedOn = "performed_on"
            case unitPrice = "unit_price"
            case vatCategory = "vat_category"
            case vatRate = "vat_rate"
        }

        package init(
            customerId: Int64? = nil, serviceId: Int64? = nil, description: String? = nil, performedOn: String? = nil,
            quantity: String? = nil, unitPrice: String? = nil
        ) {
            (self.customerId, self.serviceId, self.description) = (customerId, serviceId, description)
            (self.performedOn, self.quantity, self.unitPrice) = (performedOn, quantity, unitPrice)
        }
    }

    package func create(_ input: Input, context: EventContext) async throws -> Charge {
        try await database.write(context) { write in
            var charge = try manual(input, write.db)
            try write.insert(&charge)
            return charge
        }
    }

    private func manual(_ input: Input, _ db: Database) throws -> Charge {
        guard let customer = input.customerId else {
            throw APIError.validationFailed("The field 'customer_id' is required.", field: "customer_id")
        }
        guard try Customer.filter(key: customer).filter(Customer.CodingKeys.deletedAt == nil).fetchCount(db) == 1
        else { throw APIError.validationFailed("No customer has id \(customer).", field: "customer_id") }
        let day = try Day.past(input.performedOn, field: "performed_on", label: "day the work was performed")
        try settings.requireCurrency(input.currency)
        guard let quantity = Quantity(input.quantity ?? "1"), quantity.milli > 0 else {
            throw APIError.validationFailed(
                "A quantity above 0 with up to 3 decimals; only credit notes reverse work.", field: "quantity")
        }
        let service = try input.serviceId.map { id in
            guard let service = try BillingService.fetchOne(db, key: id) else {
                throw APIError.validationFailed("No service has id \(id).", field: "service_id")
            }
            return service
        }
        let price: UnitPrice
        if let text = input.unitPrice {
            guard let value = UnitPrice(text), value.e4 >= 0 else {
                throw APIError.validationFailed("A net unit price of 0 or more, up to 4 decimals.", field: "unit_price")
            }
            price = value
        } else if let service,
            let listed = try PriceListStore.price(db, service: service.id ?? 0, customer: customer, on: day)
        {
            price = listed.unitPrice
        } else {
            throw APIError.validationFailed(
                service == nil ? "Give the unit price." : "The service has no price on \(day); give one.",
                field: "unit_price")
        }
        var category = service?.category ?? .standard
        if let text = input.vatCategory {
            guard let value = VATCategory(rawValue: text.uppercased()) else {
                throw APIError.validationFailed("A VAT category: S, Z, E, AE, K, G or O.", field: "vat_category")
            }
            category = value
        }
        var rate = service?.rate
        if let text = input.vatRate {
            guard let value = VATRate(text) else {
                throw APIError.validationFailed("A VAT rate in per cent, 0 to 100.", field: "vat_rate")
            }
            rate = value
        }
        guard let rate else { throw APIError.validationFailed("Give the VAT rate.", field: "vat_rate") }
        guard category.allows(rate) else {
            throw APIError.validationFailed(
                "This VAT rate does not fit category \(category.rawValue).", field: "vat_rate")
        }
        guard InvoiceArithmetic.lineNet(quantity, price, settings.currency) != nil else {
            throw APIError.validationFailed("The amount is too large.", field: "quantity")
        }
        let description = try InputCheck.text(
            input.description, field: "description", limit: 500, fallback: service?.name ?? "")
        guard !description.isEmpty else {
            throw APIError.validationFailed("Describe the work.", field: "description")
        }
        let now = Date()
        return Charge(
            customerId: customer, serviceId: service?.id, description: description, performedOn: day,
            quantityMilli: quantity.milli,
            unit: try InputCheck.text(input.unit, field: "unit", limit: 50, fallback: service?.unit ?? "each"),
            unitPriceE4: price.e4, vatCategory: category.rawValue, vatRateBp: rate.basisPoints, sourceKey: nil,
            createdAt: now, updatedAt: now)
    }

    /// Removes an unbilled charge; billed work is corrected by a credit note instead.
    package func delete(id: Int64, reason: String?, context: EventContext) async throws {
        try await database.write(context) { write in
            guard let charge = try Charge.fetchOne(write.db, key: id) else { throw Self.notFound }
            guard charge.invoiceId == nil else {
                throw APIError(
                    status: .conflict, code: "conflict", message: "The charge is on an invoice; remove it there first.")
            }
            try write.delete(charge, reason: reason)
        }
    }

    package struct Filter: Sendable {
        package var customer: Int64?
        package var unbilled = false
        package var invoice: Int64?

        package init(customer: Int64? = nil, unbilled: Bool = false, invoice: Int64? = nil) {
            (self.customer, self.unbilled, self.invoice) = (customer, unbilled, invoice)
        }
    }

    package func list(_ filter: Filter, limit: Int = 500) async throws -> [Charge] {
        try await database.read { db in
            var request = Charge.order(sql: "performed_on, id")
            if let customer = filter.customer { request = request.filter(Charge.CodingKeys.customerId == customer) }
            if filter.unbilled { request = request.filter(Charge.CodingKeys.invoiceId == nil) }
            if let invoice = filter.invoice { request = request.filter(Charge.CodingKeys.invoiceId == invoice) }
            return try request.limit(limit).fetchAll(db)
        }
    }

    /// Unbilled work per customer: how many charges, since when, and their net total.
    package struct UnbilledSummary: Sendable {
        package let customerId: Int64
        package let customerName: String
        package let charges: Int
        package let since: String
        package let net: Money
    }

    package func unbilled() async throws -> [UnbilledSummary] {
        let currency = settings.currency
        return try await database.read { db in
            let charges = try Charge.filter(Charge.CodingKeys.invoiceId == nil).fetchAll(db)
            let names = try Dictionary(
                uniqueKeysWithValues: Customer.filter(Set(charges.map(\.customerId)).contains(Customer.CodingKeys.id))
                    .fetchAll(db).map { ($0.id ?? 0, $0.name) })
            return Dictionary(grouping: charges, by: \.customerId).map { customer, charges in
                UnbilledSummary(
                    customerId: customer, customerName: names[customer] ?? "#\(customer)", charges: charges.count,
                    since: charges.map(\.performedOn).min() ?? "",
                    net: charges.compactMap {
                        InvoiceArithmetic.lineNet(
                            Quantity(milli: $0.quantityMilli), UnitPrice(e4: $0.unitPriceE4), currency)
                    }.reduce(.zero, +))
            }.sorted { $0.customerName.localizedStandardCompare($1.customerName) == .orderedAscending }
        }
    }

    /// Live customers by name, for the pages' menus.
    package func customers() async throws -> [(id: Int64, name: String)] {
        try await database.read { db in
            try Customer.filter(Customer.CodingKeys.deletedAt == nil).order(sql: "name COLLATE NOCASE").limit(2000)
                .fetchAll(db).map { ($0.id ?? 0, $0.name) }
        }
    }

    static let notFound = APIError.notFound("No such charge.")

    package init(database: AppDatabase, settings: BillingSettings) {
        self.database = database
        self.settings = settings
    }
}
