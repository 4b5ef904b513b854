import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// Schedules for admins: `/admin/schedules` and `/api/v1/schedules` (list, change the expression
/// or pause, run now).
package struct SchedulesController {
    package let scheduler: Scheduler
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/schedules", .admin, .listSchedules) { _, _ in
            ScheduleList(items: try await scheduler.list())
        }
        routes.patch("/api/v1/schedules/{name}", .admin, .changeSchedule) { request, context in
            let change = try await request.decode(as: Change.self, context: context)
            try await scheduler.update(
                name: try context.parameters.require("name"), cron: change.cron, enabled: change.enabled,
                context: context.eventContext)
            return ScheduleList(items: try await scheduler.list())
        }
        routes.post("/api/v1/schedules/{name}/run", .admin, .runScheduleNow) { _, context in
            let job = try await scheduler.runNow(
                name: try context.parameters.require("name"), by: context.principal?.userID,
                context: context.eventContext)
            return EditedResponse(
                status: .accepted, response: JobResource(job, title: scheduler.queue.title(of: job.type)))
        }
        routes.get("/admin/schedules", .admin) { request, context in
            let schedules = try await scheduler.list()
            return pages.page(
                "administration/schedules", title: "Schedules", section: "system", request: request, context: context,
                model: SchedulesPage(
                    schedules: schedules.map { schedule in
                        SchedulesPage.Row(
                            name: schedule.name, title: schedule.title, cron: schedule.cron, enabled: schedule.enabled,
                            next: schedule.enabled ? pages.time.text(schedule.nextRunAt, absent: "—") : "paused",
                            last: pages.time.text(schedule.lastRunAt, absent: "never"),
                            lastJob: schedule.lastJobId ?? 0, hasLastJob: schedule.lastJobId != nil,
                            result: schedule.lastResult?.rawValue ?? "")
                    }))
        }
        routes.post("/admin/schedules/{name}", .admin) { request, context in
            let form = try await request.decode(as: Change.self, context: context)
            try await scheduler.update(
                name: try context.parameters.require("name"), cron: form.cron, enabled: form.enabled ?? false,
                context: context.eventContext)
            return Flash(kind: .success, message: "Schedule saved.").redirect(to: "/admin/schedules")
        }
        routes.post("/admin/schedules/{name}/run", .admin) { _, context in
            let job = try await scheduler.runNow(
                name: try context.parameters.require("name"), by: context.principal?.userID,
                context: context.eventContext)
            return Response(status: .seeOther, headers: [.location: "/jobs/\(job.id ?? 0)"])
        }
    }

    /// `schedules.mustache`.
    struct SchedulesPage: Encodable {
        struct Row: Encodable {
            let name: String
            let title: String
            let cron: String
            let enabled: Bool
            let next: String
            let last: String
            let lastJob: Int64
            let hasLastJob: Bool
            let result: String
        }
        let schedules: [Row]
    }

    package struct Change: Decodable {
        package var cron: String?
        package var enabled: Bool?

        private enum CodingKeys: String, CodingKey { case cron, enabled }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            cron = try container.decodeUnlessAbsent(String.self, forKey: .cron)
            enabled = try container.decodeUnlessAbsent(Bool.self, forKey: .enabled)
        }
    }

    package struct ScheduleList: ResponseEncodable {
        package let items: [ScheduleResource]
    }

    package init(scheduler: Scheduler, pages: PageRenderer) {
        self.scheduler = scheduler
        self.pages = pages
    }
}
