import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Storage rental: once a month, each customer is charged the straw-months of the items they own
/// (samples of their animals) that sit at a storage position, at the price of the service whose
/// work is `storage_straw_month`, valid for them on the month's last day.
///
/// A straw counts from the day it was collected (or the month's first day) to the month's last
/// day; the straw-days over the month's days are the straw-months (3 decimals). The store keeps
/// no history of moves, so an item counts for the months it is still stored when the month is
/// accrued (docs/decisions/0029). One charge per customer and month: its `source_key`
/// (`storage:2026-11:customer:7`) is unique, so a rerun never charges twice.
package struct StorageAccrual: Sendable {
    package let database: AppDatabase

    package static let work = "storage_straw_month"

    package static let schedule = ScheduledTask(
        name: "billing_storage", title: "Monthly storage charges", jobType: "billing.storage",
        defaultCron: "0 3 1 * *")

    /// The month the schedule bills: the one before today's.
    package static var lastMonth: String {
        let today = Day.today
        let year = Int(today.prefix(4)) ?? 0
        let month = Int(today.dropFirst(5).prefix(2)) ?? 1
        return month == 1 ? String(format: "%04d-12", year - 1) : String(format: "%04d-%02d", year, month - 1)
    }

    package var job: JobKind {
        JobKind(
            type: "billing.storage", title: "Monthly storage charges", permission: "billing:write", maxAttempts: 3,
            onInterrupt: .retry
        ) { execution in
            let month = Self.lastMonth
            let count = try await accrue(month: month, context: execution.job.eventContext)
            execution.log("Charged storage of \(month) to \(count) customers")
            return JobOutcome(
                message: "\(count) storage charges for \(month)", summary: ["charges": String(count), "month": month])
        }
    }

    /// `YYYY-MM` of a month that has ended, else a 422 on `month`.
    package static func month(_ text: String?) throws -> String {
        guard let text else { return lastMonth }
        guard text.wholeMatch(of: /[0-9]{4}-(0[1-9]|1[0-2])/) != nil, Day.date(text + "-01") != nil else {
            throw APIError.validationFailed("A month as YYYY-MM.", field: "month")
        }
        guard text < String(Day.today.prefix(7)) else {
            throw APIError.validationFailed("Only a month that has ended is charged.", field: "month")
        }
        return text
    }

    /// The number of days of `YYYY-MM` (Gregorian).
    static func days(of month: String) -> Int {
        let (year, number) = (Int(month.prefix(4)) ?? 0, Int(month.dropFirst(5).prefix(2)) ?? 1)
        switch number {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Charges `month`'s storage to every customer not yet charged for it; how many were charged.
    @discardableResult
    package func accrue(month: String, context: EventContext) async throws -> Int {
        let (first, days) = (month + "-01", Self.days(of: month))
        let end = month + "-" + String(days)
        return try await database.write(context) { write in
            guard
                let service = try BillingService.filter(sql: "work = ? COLLATE NOCASE", arguments: [Self.work])
                    .fetchOne(write.db), let serviceID = service.id
            else { return 0 }
            let rows = try Row.fetchAll(
                write.db,
                sql: """
                    SELECT a.owner_id AS customer_id, COUNT(*) AS straws,
                      SUM(CAST(julianday(:end) - julianday(MAX(:first, substr(s.collected_at, 1, 10))) AS INTEGER) + 1)
                        AS straw_days
                    FROM samples s JOIN animals a ON a.id = s.animal_id
                    JOIN customers c ON c.id = a.owner_id AND c.deleted_at IS NULL
                    WHERE s.status = 'stored' AND s.container_id IS NOT NULL AND substr(s.collected_at, 1, 10) <= :end
                      AND NOT EXISTS (SELECT 1 FROM charges x WHERE x.source_key =
                        'storage:' || :month || ':customer:' || a.owner_id)
                    GROUP BY a.owner_id ORDER BY a.owner_id
                    """, arguments: ["first": first, "end": end, "month": month])
            var count = 0
            for row in rows {
                let customer: Int64 = row["customer_id"]
                let (straws, strawDays): (Int64, Int64) = (row["straws"], row["straw_days"])
                let quantity = Int64(Money.divideRounded(Int128(strawDays) * 1000, Int128(days)))
                guard quantity > 0,
                    let price = try PriceListStore.price(write.db, service: serviceID, customer: customer, on: end)
                else { continue }
                let now = Date()
                var charge = Charge(
                    customerId: customer, serviceId: serviceID,
                    description: "\(service.name), \(month): \(straws) in storage, \(strawDays) straw-days",
                    performedOn: end, quantityMilli: quantity, unit: service.unit, unitPriceE4: price.unitPriceE4,
                    vatCategory: service.vatCategory, vatRateBp: service.vatRateBp,
                    sourceKey: "storage:\(month):customer:\(customer)", sourceLink: "/billing/customers/\(customer)",
                    createdAt: now, updatedAt: now)
                try write.insert(&charge, action: "accrue")
                count += 1
            }
            return count
        }
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}
