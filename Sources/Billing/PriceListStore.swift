import Customers
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The price list: services, their prices over time and customers' own prices. The only place
/// with the price list's SQL; every write is audited.
package struct PriceListStore: Sendable {
    package let database: AppDatabase
    package let settings: BillingSettings

    /// A service's writable fields; a new service also takes its first list price.
    package struct ServiceInput: Codable, Sendable {
        package var code: String?
        package var name: String?
        package var unit: String?
        package var vatCategory: String?
        package var vatRate: String?
        package var work: String?
        package var unitPrice: String?
        package var validFrom: String?
        package var revenueAccount: String?
        package var reason: String?

        package enum CodingKeys: String, CodingKey {
            case code, name, unit, work, reason
            case revenueAccount = "revenue_account"
            case vatCategory = "vat_category"
            case vatRate = "vat_rate"
            case unitPrice = "unit_price"
            case validFrom = "valid_from"
        }

        package init(
            code: String? = nil, name: String? = nil, unit: String? = nil, vatCategory: String? = nil,
            vatRate: String? = nil, work: String? = nil, unitPrice: String? = nil, validFrom: String? = nil,
            revenueAccount: String? = nil
        ) {
            (self.code, self.name, self.unit, self.vatCategory, self.vatRate) = (code, name, unit, vatCategory, vatRate)
            (self.work, self.unitPrice, self.validFrom, self.revenueAccount) = (
                work, unitPrice, validFrom, revenueAccount
            )
        }
    }

    /// A price from `valid_from` (to `valid_to`), for everyone or for one customer.
    package struct PriceInput: Codable, Sendable {
        package var unitPrice: String?
        package var validFrom: String?
        package var validTo: String?
        package var customerId: Int64?

        package enum CodingKeys: String, CodingKey {
            case unitPrice = "unit_price"
            case validFrom = "valid_from"
            case validTo = "valid_to"
            case customerId = "customer_id"
        }

        package init(unitPrice: String?, validFrom: String?, validTo: String? = nil, customerId: Int64? = nil) {
            (self.unitPrice, self.validFrom, self.validTo, self.customerId) = (
                unitPrice, validFrom, validTo, customerId
            )
        }
    }

    /// What the capture knows how to bill: `lab_test:<code>` names a catalog test;
    /// `storage_straw_month` is billed by the monthly ``StorageAccrual``.
    static var workPattern: Regex<Substring> {
        /opu_session|ivf_batch|embryo_transfer|storage_straw_month|lab_test:[A-Za-z0-9_.-]{1,32}/
    }

    func apply(_ input: ServiceInput, to service: inout BillingService) throws {
        if let code = input.code {
            let trimmed = code.trimmingCharacters(in: .whitespaces)
            guard trimmed.wholeMatch(of: /[A-Za-z0-9_.-]{1,32}/) != nil else {
                throw APIError.validationFailed("A code of 1 to 32 letters, digits, _ . or -.", field: "code")
            }
            service.code = trimmed
        }
        if let name = input.name {
            service.name = try InputCheck.text(name, field: "name", limit: 200)
            guard !service.name.isEmpty else { throw APIError.validationFailed("Enter a name.", field: "name") }
        }
        if let unit = input.unit {
            service.unit = try InputCheck.text(unit, field: "unit", limit: 50, fallback: "each")
        }
        if let category = input.vatCategory {
            guard let value = VATCategory(rawValue: category.uppercased()) else {
                throw APIError.validationFailed("A VAT category: S, Z, E, AE, K, G or O.", field: "vat_category")
            }
            service.vatCategory = value.rawValue
        }
        if let rate = input.vatRate {
            guard let value = VATRate(rate) else {
                throw APIError.validationFailed("A VAT rate in per cent, 0 to 100, e.g. 19 or 7.7.", field: "vat_rate")
            }
            service.vatRateBp = value.basisPoints
        }
        guard service.category.allows(service.rate) else {
            throw APIError.validationFailed(
                service.category == .standard
                    ? "The standard category needs a rate above 0."
                    : "Only the standard category (S) has a rate above 0.",
                field: "vat_rate")
        }
        if let work = input.work {
            let trimmed = work.trimmingCharacters(in: .whitespaces)
            guard trimmed.isEmpty || trimmed.wholeMatch(of: Self.workPattern) != nil else {
                throw APIError.validationFailed(
                    "Work billed: opu_session, ivf_batch, embryo_transfer, storage_straw_month or lab_test:<test code>.",
                    field: "work")
            }
            service.work = trimmed.isEmpty ? nil : trimmed
        }
        if let account = input.revenueAccount {
            let trimmed = account.trimmingCharacters(in: .whitespaces)
            guard trimmed.isEmpty || trimmed.wholeMatch(of: /[A-Za-z0-9_.\-]{1,20}/) != nil else {
                throw APIError.validationFailed(
                    "A ledger account of up to 20 letters, digits, _ . or -; empty for the default.",
                    field: "revenue_account")
            }
            service.revenueAccount = trimmed
        }
    }

    package func create(_ input: ServiceInput, context: EventContext) async throws -> BillingService {
        for (value, field) in [(input.code, "code"), (input.name, "name"), (input.unitPrice, "unit_price")]
        where value == nil {
            throw APIError.validationFailed("The field '\(field)' is required.", field: field)
        }
        return try await database.write(context) { write in
            let now = Date()
            var service = BillingService(
                code: "", name: "", unit: "each", vatCategory: "S", vatRateBp: 0, createdAt: now, updatedAt: now)
            try apply(input, to: &service)
            try unique(write.db, service)
            try write.insert(&service)
            var first = try price(
                PriceInput(unitPrice: input.unitPrice, validFrom: input.validFrom), service: service.id ?? 0, write.db)
            try write.insert(&first)
            return service
        }
    }

    package func update(id: Int64, _ input: ServiceInput, context: EventContext) async throws -> BillingService {
        try await database.write(context) { write in
            guard let previous = try BillingService.fetchOne(write.db, key: id) else { throw Self.notFound }
            var service = previous
            try apply(input, to: &service)
            try unique(write.db, service)
            service.updatedAt = Date()
            try write.update(service, from: previous, reason: input.reason)
            return service
        }
    }

    package func addPrice(service id: Int64, _ input: PriceInput, context: EventContext) async throws -> ServicePrice {
        try await database.write(context) { write in
            guard try BillingService.fetchOne(write.db, key: id) != nil else { throw Self.notFound }
            var added = try price(input, service: id, write.db)
            try write.insert(&added)
            return added
        }
    }

    func price(_ input: PriceInput, service: Int64, _ db: Database) throws -> ServicePrice {
        guard let text = input.unitPrice, let price = UnitPrice(text), price.e4 >= 0 else {
            throw APIError.validationFailed(
                "A net unit price of 0 or more with up to 4 decimals, e.g. 12.50 or 0.125.", field: "unit_price")
        }
        let from = try day(input.validFrom, field: "valid_from") ?? Day.today
        let to = try day(input.validTo, field: "valid_to")
        if let to, to < from {
            throw APIError.validationFailed("valid_to is before valid_from.", field: "valid_to")
        }
        if let customer = input.customerId, try Customer.fetchOne(db, key: customer) == nil {
            throw APIError.validationFailed("No customer has id \(customer).", field: "customer_id")
        }
        return ServicePrice(
            serviceId: service, customerId: input.customerId, unitPriceE4: price.e4, validFrom: from, validTo: to,
            createdAt: Date())
    }

    private func day(_ text: String?, field: String) throws -> String? {
        guard let text = FormText.text(text) else { return nil }
        guard let date = Day.date(text) else { throw APIError.validationFailed("A day as YYYY-MM-DD.", field: field) }
        return Day.text(date)
    }

    func unique(_ db: Database, _ service: BillingService) throws {
        let others = BillingService.filter(BillingService.CodingKeys.id != service.id)
        if try others.filter(sql: "code = ? COLLATE NOCASE", arguments: [service.code]).fetchCount(db) > 0 {
            throw APIError(
                status: .conflict, code: "conflict", message: "A service has the code \(service.code).", field: "code")
        }
        if let work = service.work,
            try others.filter(sql: "work = ? COLLATE NOCASE", arguments: [work]).fetchCount(db) > 0
        {
            throw APIError(
                status: .conflict, code: "conflict", message: "Another service bills \(work).", field: "work")
        }
    }

    /// The price of `service` for `customer` on `day`: the customer's own valid price, else the
    /// list's; among several, the latest `valid_from`.
    static func price(_ db: Database, service: Int64, customer: Int64, on day: String) throws -> ServicePrice? {
        try ServicePrice.fetchOne(
            db,
            sql: """
                SELECT * FROM service_prices
                WHERE service_id = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)
                  AND (customer_id IS NULL OR customer_id = ?)
                ORDER BY customer_id IS NULL, valid_from DESC, id DESC LIMIT 1
                """, arguments: [service, day, day, customer])
    }

    package func service(id: Int64) async throws -> (BillingService, [ServicePrice])? {
        try await database.read { db in
            guard let service = try BillingService.fetchOne(db, key: id) else { return nil }
            return (service, try Self.prices(db, of: [id])[id] ?? [])
        }
    }

    /// Every service by code, each with its prices (newest first).
    package func services() async throws -> [(BillingService, [ServicePrice])] {
        try await database.read { db in
            let services = try BillingService.order(sql: "code COLLATE NOCASE").fetchAll(db)
            let prices = try Self.prices(db, of: services.compactMap(\.id))
            return services.map { ($0, prices[$0.id ?? 0] ?? []) }
        }
    }

    private static func prices(_ db: Database, of services: [Int64]) throws -> [Int64: [ServicePrice]] {
        Dictionary(
            grouping: try ServicePrice.filter(services.contains(ServicePrice.CodingKeys.serviceId))
                .order(sql: "valid_from DESC, id DESC").fetchAll(db), by: \.serviceId)
    }

    static let notFound = APIError.notFound("No such service.")

    package init(database: AppDatabase, settings: BillingSettings) {
        self.database = database
        self.settings = settings
    }
}
