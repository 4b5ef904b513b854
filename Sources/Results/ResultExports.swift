import LabBoxServer

// Lab orders and the test catalog as CSV (``SQLExport``).

extension SQLExport {
    package static let labOrders = SQLExport(
        name: "orders", title: "Lab order export", noun: "lab orders", permission: .resultsRead,
        from: "lab_orders o JOIN customers c ON c.id = o.customer_id", key: "o.id",
        columns: [
            ("id", "o.id"), ("ordered_on", "o.ordered_on"), ("customer_id", "o.customer_id"), ("customer", "c.name"),
            ("reference", "o.reference"), ("analyses", "(SELECT count(*) FROM analyses r WHERE r.order_id = o.id)"),
            (
                "verified",
                "(SELECT count(*) FROM analyses r WHERE r.order_id = o.id AND r.state = 'verified')"
            ), ("notes", "o.notes"),
        ],
        filters: [
            .init("customer", "The customer's id.", .id(table: "customers"), condition: "o.customer_id = ?")
        ])

    package static let labTests = SQLExport(
        name: "lab-tests", title: "Test catalog export", noun: "the test catalog", permission: .resultsRead,
        from: "lab_tests t", key: "t.id",
        columns: [
            ("id", "t.id"), ("code", "t.code"), ("name", "t.name"), ("sample_kinds", "t.sample_kinds"),
            ("unit", "t.unit"), ("method", "t.method"), ("price_cents", "t.price_cents"),
        ])
}
