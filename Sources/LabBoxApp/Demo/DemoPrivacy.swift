import Customers
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxValues
import Privacy

/// Consents on the demo's first customers, as the lab would record them: results by email given
/// on the signed submission form (the file on the customer, where there is one), sharing with the
/// breed registry, and marketing given and later withdrawn.
package struct DemoPrivacy {
    package let database: AppDatabase

    package func generate(context: EventContext) async throws -> String {
        let consents = ConsentStore(database: database)
        let customers = try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.id, (SELECT min(a.id) FROM attachments a
                        WHERE a.entity_type = 'customer' AND a.entity_id = c.id AND a.deleted_at IS NULL) AS file
                    FROM customers c WHERE c.deleted_at IS NULL ORDER BY c.id LIMIT 4
                    """
            ).map { ($0["id"] as Int64, $0["file"] as Int64?) }
        }
        let today = Day.today
        let day = { (offset: Int) in Day.adding(offset, to: today) ?? today }
        var count = 0
        for (index, (customer, file)) in customers.enumerated() {
            var statements: [ConsentStore.Input] = [
                .init(
                    purpose: "results_by_email", status: "given", effectiveOn: day(-200 + index),
                    method: "signed submission form", attachmentId: file)
            ]
            if index % 2 == 0 {
                statements.append(
                    .init(
                        purpose: "data_sharing_breed_registry", status: "given", effectiveOn: day(-150), method: "email"
                    ))
            }
            if index == 1 {
                statements += [
                    .init(purpose: "marketing", status: "given", effectiveOn: day(-120), method: "web form"),
                    .init(purpose: "marketing", status: "withdrawn", effectiveOn: day(-10), method: "phone call"),
                ]
            }
            for statement in statements {
                _ = try await consents.record(customer: customer, statement, context: context)
                count += 1
            }
        }
        return "\(count) consents"
    }
}
