import Billing
import Biobank
import Collaboration
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Reproduction
import Results

/// The home page's work queue: what is due or waiting for the signed-in person, each entry a link
/// to the page where it is done.
///
/// Every list is one indexed query with a LIMIT, cached until a table it reads changes (and, for
/// lists that depend on the day or the hour, for a short while at most), so the most visited page
/// stays cheap on a million samples.
package struct WorkQueue: Sendable {
    package let database: AppDatabase
    package let fillDays: Int
    package let reproduction: ReproductionSettings
    package let billing: BillingSettings
    /// Tasks fall due on the lab's days.
    package let time: LabTime

    /// How many entries a list shows; the rest are behind its "all" link.
    static let shown = 8

    /// One thing to do: what, a detail (when it is due, who entered it) and where to do it.
    package struct Item: Codable, Sendable, Equatable {
        package let label: String
        package let detail: String
        package let href: String
    }

    /// A list and how many entries there are in all (which may be more than it shows).
    package struct Items: Codable, Sendable {
        package let items: [Item]
        package let total: Int
    }

    /// Transfers whose first pregnancy check is due today or overdue, the longest overdue first.
    package func pregnancyChecks(today: String) async throws -> Items {
        try await cached("home.pregnancy.\(today)", tables: ["transfers", "pregnancy_checks", "animals"]) {
            try await database.read { db in
                let due = try TransferStore.due(db, settings: reproduction, on: today)
                return Items(
                    items: due.prefix(Self.shown).map { transfer in
                        let days = Day.between(transfer.dueOn, today) ?? 0
                        return Item(
                            label: "\(transfer.recipient) (\(transfer.species))",
                            detail: days == 0
                                ? "check due today" : "check overdue by \(days) d since \(transfer.dueOn)",
                            href: "/reproduction/transfers/\(transfer.transferId)")
                    }, total: due.count)
            }
        }
    }

    /// IVF batches in culture (fertilised in the last 9 days), the newest first, each with the
    /// check its culture day calls for when that check is not yet recorded: cleavage on D2–D3,
    /// blastocysts on D7–D8.
    package func culture(today: String) async throws -> Items {
        try await cached("home.culture.\(today)", tables: ["ivf_batches", "ivf_checks", "animals"]) {
            try await database.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT b.id, b.code, b.fertilised_on, a.name AS donor,
                               (SELECT group_concat(c.day) FROM ivf_checks c WHERE c.batch_id = b.id) AS checked
                        FROM ivf_batches b JOIN animals a ON a.id = b.donor_id
                        WHERE b.fertilised_on >= ? AND b.fertilised_on <= ?
                        ORDER BY b.fertilised_on DESC, b.id DESC LIMIT 50
                        """, arguments: [Day.adding(-9, to: today) ?? today, today])
                let items = rows.map { row -> Item in
                    let day = Day.between(row["fertilised_on"], today) ?? 0
                    let checked = Set(((row["checked"] as String?) ?? "").split(separator: ",").compactMap { Int($0) })
                    return Item(
                        label: "\(row["code"] as String) (\(row["donor"] as String))",
                        detail: "day \(day) of culture" + Self.check(day: day, checked: checked),
                        href: "/reproduction/batches/\(row["id"] as Int64)")
                }
                return Items(items: Array(items.prefix(Self.shown)), total: items.count)
            }
        }
    }

    /// Superovulation steps due today and those of earlier days not yet done, by time: the
    /// worklist's first lines.
    package func superovulationSteps(today: String) async throws -> Items {
        try await cached(
            "home.superovulation.\(today)", tables: ["superovulation_steps", "superovulations", "animals"]
        ) {
            try await database.read { db in
                let due = try SuperovulationStore.worklist(db, day: today, today: today, limit: 200)
                    .filter { $0.step.doneAt == nil }
                return Items(
                    items: due.prefix(Self.shown).map { item in
                        Item(
                            label: "\(item.donor): \(item.step.what)",
                            detail: item.overdue
                                ? "overdue since \(item.step.dueOn) \(item.step.dueTime)" : "due \(item.step.dueTime)",
                            href: "/superovulation")
                    }, total: due.count)
            }
        }
    }

    /// The check culture day `day` calls for, when none of its window is recorded yet.
    package static func check(day: Int, checked: Set<Int>) -> String {
        switch day {
        case 2...3 where checked.isDisjoint(with: 2...3): ": cleavage check due"
        case 7...8 where checked.isDisjoint(with: 7...8): ": blastocyst check due"
        default: ""
        }
    }

    /// Results waiting for verification that `user` may give: entered by someone else and not yet
    /// signed by them. Oldest first, as the worklist.
    package func verifications(for user: Int64) async throws -> Items {
        try await cached("home.verify.\(user)", tables: ["analyses", "signatures", "samples", "lab_tests"]) {
            try await database.read { db in
                let total =
                    try Int.fetchOne(
                        db,
                        sql:
                            "SELECT count(*) FROM analyses WHERE state = 'to_verify' AND COALESCE(entered_by, -1) <> ?",
                        arguments: [user]) ?? 0
                let lines = try ResultStore.lines(
                    db, where: "a.state = 'to_verify' AND COALESCE(a.entered_by, -1) <> ? ORDER BY a.id LIMIT ?",
                    arguments: [user, Self.shown * 4])
                let signed = try ResultStore.verifications(db, of: try Analysis.fetchAll(db, keys: lines.map(\.id)))
                let mine = lines.filter { line in
                    !(signed[String(line.id)] ?? []).contains { $0.userId == user }
                }
                return Items(
                    items: mine.prefix(Self.shown).map { line in
                        Item(
                            label: "\(line.sample): \(line.testName)",
                            detail: [
                                line.value.map { "\($0.formatted()) \(line.unit)" },
                                line.enteredByName.map { "entered by \($0)" },
                            ].compactMap { $0 }.joined(separator: ", "),
                            href: "/results/orders/\(line.orderId)")
                    }, total: total - (lines.count - mine.count))
            }
        }
    }

    /// The open tasks assigned to `user`, the soonest due first (the overdue among them).
    package func tasks(for user: Int64, today: String) async throws -> Items {
        try await cached("home.tasks.\(user).\(today)", tables: ["tasks", "users"]) {
            try await database.read { db in
                let open = LabTask.filter(
                    LabTask.CodingKeys.assigneeId == user
                        && [LabTask.Status.open, .inProgress].contains(LabTask.CodingKeys.status))
                let tasks = try open.order(SQL("due_on IS NULL"), LabTask.CodingKeys.dueOn, LabTask.CodingKeys.id)
                    .limit(Self.shown).fetchAll(db)
                return Items(
                    items: tasks.map { task in
                        Item(
                            label: task.title,
                            detail: [
                                task.dueOn.map {
                                    $0 < today ? "overdue since \($0)" : $0 == today ? "due today" : "due \($0)"
                                },
                                task.priority == .normal ? nil : "\(task.priority.rawValue) priority",
                            ].compactMap { $0 }.joined(separator: ", "),
                            href: "/tasks/\(task.id ?? 0)")
                    }, total: try open.fetchCount(db))
            }
        }
    }

    /// LN2 tanks past their fill interval, the longest overdue first.
    package func tanks(time: LabTime) async throws -> Items {
        // Overdue is a matter of the clock, too: a tank falls due without any write.
        try await cached("home.tanks", tables: ["storage_containers", "tank_fills"], ttl: .seconds(300)) {
            try await database.read { db in
                let overdue = try TankReminders.overdue(db, fillDays: fillDays, now: Date())
                return Items(
                    items: overdue.prefix(Self.shown).map { tank in
                        Item(
                            label: tank.name,
                            detail: tank.lastFill.map { "last filled \(time.text($0))" } ?? "never filled",
                            href: "/storage/\(tank.id)")
                    }, total: overdue.count)
            }
        }
    }

    /// Customers with charges not yet invoiced, the oldest work first.
    package func unbilled() async throws -> Items {
        try await cached("home.unbilled", tables: ["charges", "customers"]) {
            let summaries = try await ChargeStore(database: database, settings: billing).unbilled()
                .sorted { $0.since < $1.since }
            return Items(
                items: summaries.prefix(Self.shown).map { summary in
                    Item(
                        label: summary.customerName,
                        detail: "\(summary.charges) charge\(summary.charges == 1 ? "" : "s") since \(summary.since), "
                            + "net \(billing.currency.text(summary.net.minor)) \(billing.currency.code)",
                        href: "/billing/customers/\(summary.customerId)")
                }, total: summaries.count)
        }
    }

    /// The latest changes in the audit trail: everyone's for who may read the trail, otherwise
    /// the person's own.
    package func recentChanges(user: Int64?, everyone: Bool, time: LabTime) async throws -> Items {
        let key = everyone ? "home.changes" : "home.changes.\(user ?? 0)"
        return try await cached(key, tables: ["audit_events"]) {
            try await database.read { db in
                var request = AuditEvent.order(Column("seq").desc).limit(Self.shown)
                if !everyone {
                    request = request.filter(Column("actor_type") == "user" && Column("actor_id") == user)
                }
                return Items(
                    items: try request.fetchAll(db).map { event in
                        Item(
                            label: "\(event.action) \(event.entityType) \(event.entityId)",
                            detail: "\(event.actorName), \(Timestamp.parse(event.at).map(time.text) ?? event.at)",
                            href: Self.link(entity: event.entityType, id: event.entityId)
                                ?? (everyone
                                    ? "/admin/audit?entity_type=\(event.entityType)&entity_id=\(event.entityId)"
                                    : ""))
                    }, total: 0)
            }
        }
    }

    /// The page of an audited record, for the kinds of record that have one.
    static func link(entity: String, id: String) -> String? {
        let pages = [
            "sample": "/samples/", "customer": "/customers/", "animal": "/animals/", "storage_container": "/storage/",
            "transfer": "/reproduction/transfers/", "ivf_batch": "/reproduction/batches/",
            "lab_order": "/results/orders/", "invoice": "/billing/invoices/", "task": "/tasks/",
        ]
        return pages[entity].map { $0 + id }
    }

    private func cached(
        _ key: String, tables: [String], ttl: Duration = .seconds(3600),
        load: @escaping @Sendable () async throws -> Items
    ) async throws -> Items {
        try await database.cache.value(key, tags: tables.map(TableInvalidation.tag), ttl: ttl, cost: 2048, load: load)
    }

    package init(
        database: AppDatabase, fillDays: Int, reproduction: ReproductionSettings, billing: BillingSettings,
        time: LabTime
    ) {
        self.database = database
        self.fillDays = fillDays
        self.reproduction = reproduction
        self.billing = billing
        self.time = time
    }
}
