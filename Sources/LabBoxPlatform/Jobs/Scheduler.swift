import Foundation
import GRDB
import LabBoxValues
import Logging
import ServiceLifecycle
import Synchronization

/// Starts the registered ``ScheduledTask``s as jobs when their cron expression comes due.
///
/// Every run is a job, so it gets progress, logs and retries. When the server starts, a schedule
/// whose time passed while it was off runs once (not once per missed time), and then follows its
/// expression from now.
package final class Scheduler: Service {
    package let queue: JobQueue
    /// Expressions set in the config file (`schedule.<name>`), which win over the admin's.
    package let configured: [String: String]
    package let checkInterval: Duration = .seconds(20)
    private let tasks = Mutex<[ScheduledTask]>([])
    private let logger = Logger(label: "labbox.scheduler")

    package init(queue: JobQueue, configured: [String: String]) {
        self.queue = queue
        self.configured = configured
    }

    package func register(_ task: ScheduledTask) {
        tasks.withLock { $0.append(task) }
    }

    package var registered: [ScheduledTask] { tasks.withLock { $0 } }

    package func run() async throws {
        try await prepare(now: Date())
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.runDue(now: Date())
                    try await Task.sleep(for: self.checkInterval)
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.error("scheduler: \(error)")
                    try? await Task.sleep(for: self.checkInterval)
                }
            }
        }
    }

    /// Creates rows for new schedules and applies expressions from the config file; then runs, once,
    /// whatever came due while the server was off.
    package func prepare(now: Date) async throws {
        let tasks = registered
        let configured = configured
        try await queue.database.write(.server) { write in
            for task in tasks {
                let cronText = configured[task.name] ?? task.defaultCron
                let cron = try CronExpression(cronText)
                let next = cron.next(after: now) ?? .distantFuture
                if var schedule = try Schedule.fetchOne(write.db, key: task.name) {
                    guard configured[task.name] != nil, schedule.cron != cronText else { continue }
                    let previous = schedule
                    (schedule.cron, schedule.nextRunAt, schedule.updatedAt) =
                        (cronText, min(schedule.nextRunAt, next), now)
                    try write.update(schedule, from: previous, reason: "set in the config file")
                } else {
                    var schedule = Schedule(
                        name: task.name, cron: cronText, enabled: true, nextRunAt: next, updatedAt: now)
                    try write.insert(&schedule)
                }
            }
        }
        try await runDue(now: now)
    }

    /// Queues a job for every enabled schedule that is due and moves it to its next time.
    @discardableResult
    package func runDue(now: Date) async throws -> [Job] {
        let tasks = Dictionary(uniqueKeysWithValues: registered.map { ($0.name, $0) })
        let queue = queue
        return try await queue.database.write(.server) { write in
            var started: [Job] = []
            let due = try Schedule.filter(Schedule.CodingKeys.enabled == true && Schedule.CodingKeys.nextRunAt <= now)
                .fetchAll(write.db)
            for schedule in due {
                guard let task = tasks[schedule.name], let kind = queue.kind(task.jobType) else { continue }
                let job = try JobQueue.insert(write, kind: kind, parameters: "{}", userID: nil, schedule: schedule.name)
                var updated = schedule
                updated.lastRunAt = now
                updated.lastJobId = job.id
                updated.nextRunAt = (try CronExpression(schedule.cron)).next(after: now) ?? .distantFuture
                try updated.update(write.db)
                started.append(job)
            }
            return started
        }
    }

    package func list() async throws -> [ScheduleResource] {
        let tasks = registered
        return try await queue.database.read { db in
            try tasks.map { task in
                let schedule = try Schedule.fetchOne(db, key: task.name)
                let last = try schedule?.lastJobId.flatMap { try Job.fetchOne(db, key: $0) }
                return ScheduleResource(
                    name: task.name, title: task.title, jobType: task.jobType, cron: schedule?.cron ?? task.defaultCron,
                    enabled: schedule?.enabled ?? true, nextRunAt: schedule?.nextRunAt, lastRunAt: schedule?.lastRunAt,
                    lastJobId: schedule?.lastJobId, lastResult: last?.state)
            }
        }
    }

    /// Changes a schedule's expression or pauses it; both are audited.
    package func update(name: String, cron: String?, enabled: Bool?, context: EventContext) async throws {
        if let cron, configured[name] != nil, cron != configured[name] {
            throw APIError.validationFailed(
                "This schedule is set in the config file (schedule.\(name)); change it there.", field: "cron")
        }
        let expression: CronExpression?
        do {
            expression = try cron.map { try CronExpression($0) }
        } catch let error as CronExpression.Invalid {
            throw APIError.validationFailed(error.description, field: "cron")
        }
        guard let task = registered.first(where: { $0.name == name }) else {
            throw APIError.notFound("No such schedule.")
        }
        try await queue.database.write(context) { write in
            let now = Date()
            guard let previous = try Schedule.fetchOne(write.db, key: name) else {
                // Changed before the scheduler first ran: the row starts from the change.
                let cron = try expression ?? CronExpression(task.defaultCron)
                var schedule = Schedule(
                    name: name, cron: cron.description, enabled: enabled ?? true,
                    nextRunAt: cron.next(after: now) ?? .distantFuture, updatedAt: now)
                try write.insert(&schedule)
                return
            }
            var schedule = previous
            if let expression {
                schedule.cron = expression.description
                schedule.nextRunAt = expression.next(after: now) ?? .distantFuture
            }
            if let enabled { schedule.enabled = enabled }
            schedule.updatedAt = now
            try write.update(schedule, from: previous, reason: nil)
        }
    }

    /// Starts a schedule's job now, for the user `userID`, without moving its next run.
    package func runNow(name: String, by userID: Int64?, context: EventContext) async throws -> Job {
        guard let task = registered.first(where: { $0.name == name }) else {
            throw APIError.notFound("No such schedule.")
        }
        return try await queue.enqueue(task.jobType, by: userID, context: context, schedule: name)
    }
}
