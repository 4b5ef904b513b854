import Foundation
import GRDB
import LabBoxPlatform
import LabBoxValues
import Logging
import ServiceLifecycle

/// Follows the audit trail and posts webhooks (decision 0040).
///
/// The trail is the outbox: every change is audited in its own transaction, so reading the events
/// past a stored cursor misses none and sends none that rolled back. Each event of a subscribed
/// type becomes one delivery per enabled endpoint, in the transaction that moves the cursor. Due
/// deliveries are posted, signed, in parallel; network errors, timeouts, 408, 429 and 5xx are
/// retried with exponential backoff up to ``maxAttempts``, any other answer ends the delivery.
package struct WebhookSender: Service {
    package static let maxAttempts = 8
    /// How long one attempt may take, connecting included.
    package static let timeout: Duration = .seconds(10)
    /// Audit events read per transaction, and deliveries attempted per round.
    static let batch = 500
    static let parallel = 20

    package let database: AppDatabase
    /// The wait after the first failure; each further failure doubles it.
    package let retryBase: Duration
    package var pollInterval: Duration = .seconds(2)
    private let logger = Logger(label: "labbox.webhooks")

    package init(database: AppDatabase, retryBase: Duration, pollInterval: Duration = .seconds(2)) {
        (self.database, self.retryBase, self.pollInterval) = (database, retryBase, pollInterval)
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let queued = try await dispatch()
                    if try await deliverDue() == 0 && queued == 0 { try await Task.sleep(for: pollInterval) }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("webhooks: \(error)")
                    try? await Task.sleep(for: .seconds(5))
                }
            }
        }
    }

    // MARK: From the audit trail to deliveries

    /// Reads the audit events past the cursor, queues their deliveries and moves the cursor past
    /// them; how many deliveries it queued.
    @discardableResult
    package func dispatch() async throws -> Int {
        var queued = 0
        while true {
            let behind = try await database.read { db in
                try Int64.fetchOne(
                    db, sql: "SELECT MAX(seq) > (SELECT audit_seq FROM webhook_cursor) FROM audit_events") ?? 0
            }
            guard behind == 1 else { return queued }
            queued += try await database.write { db in try Self.dispatchBatch(db) }
        }
    }

    /// One batch of events, in the writer's transaction.
    private static func dispatchBatch(_ db: Database) throws -> Int {
        let cursor = try Int64.fetchOne(db, sql: "SELECT audit_seq FROM webhook_cursor") ?? 0
        let head = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit_events") ?? cursor
        let endpoints = try WebhookEndpoint.filter(WebhookEndpoint.CodingKeys.enabled == true).fetchAll(db)
        let keys = WebhookEvents.auditKeys(of: Set(endpoints.flatMap(\.eventTypes)))
        // With no event type subscribed no event becomes a delivery, and the cursor goes to the head
        // at once: after a million-sample import, batch by batch was 2,000 of the writer's
        // transactions, each synced, while the server started.
        let through = keys.isEmpty ? head : min(head, cursor + Int64(batch))
        var queued = 0
        if !keys.isEmpty {
            let events = try AuditEvent.fetchAll(
                db,
                sql: """
                    SELECT * FROM audit_events WHERE seq > ? AND seq <= ?
                    AND entity_type || ' ' || action IN (\(databaseQuestionMarks(count: keys.count)))
                    ORDER BY seq
                    """, arguments: StatementArguments([cursor, through] + keys))
            let now = Date()
            let texts = try PersonalData.texts(db, in: events.flatMap { [$0.before, $0.after] })
            for event in events {
                guard let type = WebhookEvents.type(of: event) else { continue }
                let payload = try WebhookEvents.payload(of: event, as: type, texts: texts)
                for endpoint in endpoints where event.seq > endpoint.fromSeq && endpoint.eventTypes.contains(type.name)
                {
                    var delivery = WebhookDelivery(
                        endpointId: endpoint.id ?? 0, eventId: "evt_\(event.seq)", eventType: type.name,
                        payload: payload, now: now)
                    try delivery.insert(db)
                    queued += 1
                }
            }
        }
        try db.execute(sql: "UPDATE webhook_cursor SET audit_seq = ?", arguments: [through])
        return queued
    }

    // MARK: Posting

    /// Attempts the due deliveries of enabled endpoints; how many it attempted.
    @discardableResult
    package func deliverDue() async throws -> Int {
        let due = try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.*, e.url AS endpoint_url, e.secret AS endpoint_secret FROM webhook_deliveries d
                    JOIN webhook_endpoints e ON e.id = d.endpoint_id
                    WHERE d.state = 'pending' AND e.enabled = 1 AND d.next_attempt_at <= ?
                    ORDER BY d.id LIMIT ?
                    """, arguments: [Date(), Self.parallel]
            ).map { row in
                (
                    try WebhookDelivery(row: row), url: row["endpoint_url"] as String,
                    secret: row["endpoint_secret"] as String
                )
            }
        }
        let attempted = await withTaskGroup(of: WebhookDelivery.self) { group in
            for (delivery, url, secret) in due {
                group.addTask { await attempt(delivery, url: url, sealedSecret: secret) }
            }
            var attempted: [WebhookDelivery] = []
            for await delivery in group { attempted.append(delivery) }
            return attempted
        }
        try await database.write { db in
            // An endpoint deleted meanwhile took its deliveries with it.
            for delivery in attempted where try WebhookDelivery.exists(db, key: delivery.id) {
                try delivery.update(db)
            }
        }
        return attempted.count
    }

    /// One attempt of `delivery`, and what it leaves in the log.
    private func attempt(_ delivery: WebhookDelivery, url: String, sealedSecret: String) async -> WebhookDelivery {
        var delivery = delivery
        let id = delivery.id ?? 0
        let now = Date()
        delivery.attempts += 1
        delivery.lastAttemptAt = now
        (delivery.responseCode, delivery.durationMs, delivery.responseBody, delivery.error) = (nil, nil, "", "")
        guard
            let secret = database.secrets.open(
                sealedSecret, context: WebhookEndpoint.secretContext(delivery.endpointId))
        else {
            // A database restored without its secrets.key: no signature would verify.
            delivery.state = .failed
            delivery.error =
                "The endpoint's secret cannot be opened with this installation's secrets.key; make a new one."
            return delivery
        }
        let body = Data(delivery.payload.utf8)
        let timestamp = Int(now.timeIntervalSince1970)
        let headers = [
            ("User-Agent", "LabBox-Webhooks/1"), ("X-LabBox-Event", delivery.eventType),
            ("X-LabBox-Delivery", String(id)), ("X-LabBox-Timestamp", String(timestamp)),
            ("X-LabBox-Signature", WebhookPost.signature(secret: secret, timestamp: timestamp, body: body)),
        ]
        let started = ContinuousClock.now
        let retryable: Bool
        do {
            let answer = try await WebhookPost.send(
                to: URL(string: url) ?? URL(fileURLWithPath: "/"), headers: headers, body: body,
                timeout: Self.timeout)
            (delivery.responseCode, delivery.responseBody) = (answer.status, answer.body)
            if (200..<300).contains(answer.status) {
                delivery.state = .succeeded
                delivery.durationMs = Self.milliseconds(since: started)
                return delivery
            }
            delivery.error = "answered \(answer.status)"
            retryable = answer.status >= 500 || [408, 429].contains(answer.status)
        } catch {
            delivery.error = String(describing: error)
            retryable = true
        }
        delivery.durationMs = Self.milliseconds(since: started)
        if retryable && delivery.attempts < Self.maxAttempts {
            let wait = retryBase * (1 << (delivery.attempts - 1))
            delivery.nextAttemptAt = now.addingTimeInterval(wait / .seconds(1))
        } else {
            delivery.state = .failed
            logger.notice("webhook delivery \(id) (\(delivery.eventType)) failed: \(delivery.error)")
        }
        return delivery
    }

    private static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        Int(start.duration(to: .now) / .milliseconds(1))
    }
}
