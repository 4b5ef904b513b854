import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Turns performed work into charges: verified lab analyses, OPU sessions, IVF batches and embryo
/// transfers, each billed by the service whose `work` names it, at the price valid for its
/// customer on the day it was done.
///
/// A sweep rather than a hook in the features' writes (docs/decisions/0026): Results and
/// Reproduction sit below Billing and must not know it, and the sweep is idempotent by the
/// charge's unique `source_key`, so it also bills work recorded before its service or price
/// existed. It runs on schedule (`schedule.billing_capture`) and before anyone looks at unbilled
/// work or drafts an invoice.
package struct ChargeCapture: Sendable {
    package let database: AppDatabase

    package static let schedule = ScheduledTask(
        name: "billing_capture", title: "Charges from performed work", jobType: "billing.capture",
        defaultCron: "*/15 * * * *")

    package var job: JobKind {
        JobKind(
            type: "billing.capture", title: "Charges from performed work", permission: "billing:write",
            maxAttempts: 3, onInterrupt: .retry
        ) { execution in
            let count = try await capture(context: execution.job.eventContext)
            execution.log("Captured \(count) charges")
            return JobOutcome(message: "\(count) new charges", summary: ["charges": String(count)])
        }
    }

    /// Work not yet charged whose service is priced: (source key, customer, work, day, what, link).
    private static let work = """
        SELECT 'lab_analysis:' || a.id AS source_key, o.customer_id AS customer_id,
               'lab_test:' || t.code AS work, substr(COALESCE(a.entered_at, o.ordered_on), 1, 10) AS day,
               t.name || ', order ' || COALESCE(NULLIF(o.reference, ''), '#' || o.id) AS description,
               '/results/orders/' || o.id AS link
        FROM analyses a JOIN lab_orders o ON o.id = a.order_id JOIN lab_tests t ON t.id = a.test_id
        WHERE a.state = 'verified'
        UNION ALL
        SELECT 'opu_session:' || s.id, d.owner_id, 'opu_session', s.performed_on,
               'OPU session, ' || COALESCE(NULLIF(d.name, ''), 'animal #' || d.id),
               '/reproduction/animals/' || d.id
        FROM opu_sessions s JOIN animals d ON d.id = s.donor_id WHERE d.owner_id IS NOT NULL
        UNION ALL
        SELECT 'ivf_batch:' || b.id, d.owner_id, 'ivf_batch', b.fertilised_on, 'IVF batch ' || b.code,
               '/reproduction/batches/' || b.id
        FROM ivf_batches b JOIN animals d ON d.id = b.donor_id WHERE d.owner_id IS NOT NULL
        UNION ALL
        SELECT 'embryo_transfer:' || t.id, r.owner_id, 'embryo_transfer', t.transferred_on,
               'Embryo transfer, ' || COALESCE(NULLIF(r.name, ''), 'recipient #' || r.id),
               '/reproduction/transfers/' || t.id
        FROM transfers t JOIN animals r ON r.id = t.recipient_id WHERE r.owner_id IS NOT NULL
        """

    /// Charges every uncharged piece of work whose service has a price on its day; how many.
    @discardableResult
    package func capture(context: EventContext) async throws -> Int {
        try await database.write(context) { write in
            let rows = try Row.fetchAll(
                write.db,
                sql: """
                    SELECT w.*, s.id AS service_id FROM (\(Self.work)) w
                    JOIN billing_services s ON s.work = w.work COLLATE NOCASE
                    WHERE NOT EXISTS (SELECT 1 FROM charges c WHERE c.source_key = w.source_key)
                    ORDER BY w.day, w.source_key
                    """)
            var count = 0
            for row in rows {
                let serviceID: Int64 = row["service_id"]
                let customer: Int64 = row["customer_id"]
                let day: String = row["day"]
                guard let service = try BillingService.fetchOne(write.db, key: serviceID),
                    let price = try PriceListStore.price(write.db, service: serviceID, customer: customer, on: day)
                else { continue }
                let now = Date()
                var charge = Charge(
                    customerId: customer, serviceId: serviceID, description: row["description"], performedOn: day,
                    quantityMilli: 1000, unit: service.unit, unitPriceE4: price.unitPriceE4,
                    vatCategory: service.vatCategory, vatRateBp: service.vatRateBp, sourceKey: row["source_key"],
                    sourceLink: row["link"], createdAt: now, updatedAt: now)
                try write.insert(&charge, action: "capture")
                count += 1
            }
            return count
        }
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}
