import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The price list as CSV: every service with its list price valid today, and the import of such a
/// file, checked row by row (all rows or none, ``CSVImport``). A row whose code is known changes
/// that service; an unknown code adds one. A unit price that differs from the list price valid on
/// `valid_from` (today when empty) becomes a new price from that day; prices already billed keep
/// theirs.
package struct PriceListCSV: Sendable {
    package let store: PriceListStore

    package static let columns = [
        "code", "name", "unit", "vat_category", "vat_rate", "work", "revenue_account", "unit_price", "valid_from",
    ]

    static let template = CSVResponse.line([
        "OPU", "Ovum pick-up session", "session", "S", "19", "opu_session", "8400", "120.00", "",
    ])

    /// A checked row: the service as it was (nil when new), as it will be, and its new price.
    package struct Item: Sendable {
        let previous: BillingService?
        let service: BillingService
        let price: ServicePrice?
    }

    package func export() async throws -> String {
        let today = Day.today
        let currency = store.settings.currency
        return CSVResponse.line(Self.columns)
            + (try await store.services()).map { service, prices in
                let current = prices.first {
                    $0.customerId == nil && $0.validFrom <= today && ($0.validTo ?? today) >= today
                }
                return CSVResponse.line([
                    service.code, service.name, service.unit, service.vatCategory, service.rate.text,
                    service.work ?? "", service.revenueAccount, current?.unitPrice.text(currency) ?? "",
                    current?.validFrom ?? "",
                ])
            }.joined()
    }

    package var importer: CSVImport<Item> {
        let store = store
        return CSVImport(
            columns: Self.columns, required: ["code"],
            validate: { row, db, seen, number in
                func text(_ name: String) -> String? { row[name].flatMap { $0.isEmpty ? nil : $0 } }
                let code = (row["code"] ?? "").trimmingCharacters(in: .whitespaces)
                if let first = seen["code:" + code.lowercased()] {
                    throw APIError.validationFailed("\(code) is also on row \(first).", field: "code")
                }
                seen["code:" + code.lowercased()] = number
                let previous = try BillingService.filter(sql: "code = ? COLLATE NOCASE", arguments: [code]).fetchOne(db)
                let now = Date()
                var service =
                    previous
                    ?? BillingService(
                        code: "", name: "", unit: "each", vatCategory: "S", vatRateBp: 0, createdAt: now, updatedAt: now
                    )
                for field in ["name", "unit_price"] where previous == nil && text(field) == nil {
                    throw APIError.validationFailed("A new service needs its \(field).", field: field)
                }
                try store.apply(
                    .init(
                        code: code, name: text("name"), unit: text("unit"), vatCategory: text("vat_category"),
                        vatRate: text("vat_rate"), work: row["work"], revenueAccount: row["revenue_account"]),
                    to: &service)
                if let work = service.work {
                    if let first = seen["work:" + work.lowercased()] {
                        throw APIError.validationFailed("Row \(first) bills \(work) too.", field: "work")
                    }
                    seen["work:" + work.lowercased()] = number
                }
                try store.unique(db, service)
                var price: ServicePrice?
                if let unitPrice = text("unit_price") {
                    let candidate = try store.price(
                        .init(unitPrice: unitPrice, validFrom: text("valid_from")), service: service.id ?? 0, db)
                    let listed = try service.id.flatMap {
                        try PriceListStore.price(db, service: $0, customer: 0, on: candidate.validFrom)
                    }
                    price = listed?.unitPriceE4 == candidate.unitPriceE4 && listed?.customerId == nil ? nil : candidate
                }
                if previous != nil { service.updatedAt = now }
                return Item(previous: previous, service: service, price: price)
            },
            insert: { items, write in
                for item in items {
                    var service = item.service
                    if let previous = item.previous {
                        if Self.changed(previous, service) {
                            try write.update(service, from: previous, action: "import", reason: nil)
                        }
                    } else {
                        try write.insert(&service, action: "import")
                    }
                    guard var price = item.price else { continue }
                    price.serviceId = service.id ?? 0
                    try write.insert(&price, action: "import")
                }
            })
    }

    private static func changed(_ old: BillingService, _ new: BillingService) -> Bool {
        (old.name, old.unit, old.vatCategory, old.vatRateBp, old.work ?? "", old.revenueAccount)
            != (new.name, new.unit, new.vatCategory, new.vatRateBp, new.work ?? "", new.revenueAccount)
    }

    package init(store: PriceListStore) {
        self.store = store
    }
}
