import GRDB
import LabBoxServer

extension RecordLinks {
    /// A customer's lab orders, newest first, each with its report.
    package static let customerOrders = RecordLinks(
        key: "orders", title: "Lab orders and reports", permission: .resultsRead, seeAll: nil,
        select: "id, ordered_on, reference", from: "FROM lab_orders WHERE customer_id = ?", order: "id DESC",
        item: { row, _ in
            let order: Int64 = row["id"]
            let reference: String = row["reference"]
            let day: String = row["ordered_on"]
            return Item(
                href: "/results/orders/\(order)", label: "Order #\(order)",
                detail: [day, reference.isEmpty ? "—" : reference].joined(separator: " · "),
                action: ("/results/orders/\(order)/report", "report"))
        })

    /// The results of an animal's samples, newest first, each on its order.
    package static let animalResults = RecordLinks(
        key: "results", title: "Lab results", permission: .resultsRead, seeAll: nil,
        select: "r.order_id, r.state, r.value, r.unit, r.flag, t.name, s.external_id",
        from: """
            FROM analyses r JOIN samples s ON s.id = r.sample_id JOIN lab_tests t ON t.id = r.test_id
            WHERE s.animal_id = ?
            """,
        order: "r.id DESC",
        item: { row, _ in
            let order: Int64 = row["order_id"]
            let value: Double? = row["value"]
            let unit: String = row["unit"]
            let flag: String = row["flag"]
            let state: String = row["state"]
            let test: String = row["name"]
            let sample: String = row["external_id"]
            return Item(
                href: "/results/orders/\(order)", label: test,
                detail: [
                    sample, value.map { "\($0.formatted()) \(unit)".trimmingCharacters(in: .whitespaces) } ?? "",
                    flag, state.replacingOccurrences(of: "_", with: " "),
                ].filter { !$0.isEmpty }.joined(separator: " · "))
        })
}
