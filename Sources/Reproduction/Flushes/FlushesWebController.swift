import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The conventional embryo transfer pages: flushes (list, new, one), the superovulation worklist,
/// protocols (list, new, edit, archive) and a donor's superovulation (start, schedule, cancel).
package struct FlushesWebController {
    package let flushes: FlushStore
    package let superovulations: SuperovulationStore
    package let pages: PageRenderer
    package static let pageSize = 50

    package func addRoutes(to routes: RouteTable) {
        routes.get("/flushes", .reproductionRead) { request, context in try await list(request, context) }
        routes.get("/flushes/new", .reproductionWrite) { request, context in
            try await flushForm(request, context, form: FlushForm(ListQuery(request)), error: nil)
        }
        routes.post("/flushes", .reproductionWrite) { request, context in try await createFlush(request, context) }
        routes.get("/flushes/{id}", .reproductionRead) { request, context in try await flushPage(request, context) }
        routes.get("/superovulation", .reproductionRead) { request, context in try await worklist(request, context) }
        routes.post("/superovulation/steps/{id}/done", .reproductionWrite) { request, context in
            try await markDone(request, context)
        }
        routes.get("/superovulation/protocols", .reproductionRead) { request, context in
            try await protocols(request, context)
        }
        routes.get("/superovulation/protocols/new", .reproductionWrite) { request, context in
            protocolForm(request, context, id: nil, form: ProtocolForm(), error: nil)
        }
        routes.post("/superovulation/protocols", .reproductionWrite) { request, context in
            try await saveProtocol(request, context, id: nil)
        }
        routes.get("/superovulation/protocols/{id}", .reproductionRead) { request, context in
            let item = try await superovulations.protocolDetail(id: try context.id())
            return protocolForm(request, context, id: item.id, form: ProtocolForm(item), error: nil)
        }
        routes.post("/superovulation/protocols/{id}", .reproductionWrite) { request, context in
            try await saveProtocol(request, context, id: try context.id())
        }
        routes.post("/superovulation/protocols/{id}/archive", .reproductionWrite) { _, context in
            try await archive(context, archived: true)
        }
        routes.post("/superovulation/protocols/{id}/restore", .reproductionWrite) { _, context in
            try await archive(context, archived: false)
        }
        routes.get("/superovulations/new", .reproductionWrite) { request, context in
            try await startForm(request, context, form: StartForm(ListQuery(request)), error: nil)
        }
        routes.post("/superovulations", .reproductionWrite) { request, context in try await start(request, context) }
        routes.get("/superovulations/{id}", .reproductionRead) { request, context in
            try await superovulationPage(request, context)
        }
        routes.post("/superovulations/{id}/cancel", .reproductionWrite) { request, context in
            let form = try await request.decode(as: CancelForm.self, context: context)
            let id = try context.id()
            return try await Flash.after(redirectTo: "/superovulations/\(id)") {
                let run = try await superovulations.cancel(id: id, reason: form.reason, context: context.eventContext)
                return "\(run.code) is cancelled."
            }
        }
    }

    private func canWrite(_ context: AppRequestContext) -> Bool {
        context.principal?.can(.reproductionWrite) == true
    }

    // MARK: Flushes

    private func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let filter = try FlushStore.Filter(query)
        let page = try await flushes.list(filter, after: try query.cursor(), limit: Self.pageSize)
        let keep = ["donor_id", "from", "to"]
        return pages.page(
            "flushes/flushes", title: "Flushes", section: "reproduction", request: request, context: context,
            model: FlushesPage(
                flushes: page.items.map(FlushesPage.Row.init), empty: page.items.isEmpty,
                next: query.nextPage(keeping: keep, after: page.next),
                firstPage: query.firstPage("/flushes", keeping: keep),
                donorId: query["donor_id"] ?? "", from: filter.from ?? "", to: filter.to ?? "",
                canWrite: canWrite(context)))
    }

    private func flushForm(_ request: Request, _ context: AppRequestContext, form: FlushForm, error: APIError?)
        async throws -> Response
    {
        var shown = form
        shown.operator = form.operator ?? context.principal?.displayName ?? ""
        let runs = try await flushes.activeSuperovulations()
        return pages.page(
            "flushes/flush-new", title: "New flush", section: "reproduction", request: request, context: context,
            model: FlushFormPage(
                form: shown, error: error?.message,
                superovulations: runs.map { run, donor in
                    Choice(
                        value: String(run.id ?? 0), label: "\(run.code) · \(donor) · from \(run.startedOn)",
                        selected: String(run.id ?? 0) == form.superovulationId)
                }), status: error?.httpStatus ?? .ok)
    }

    private func createFlush(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: FlushForm.self, context: context)
        do {
            let flush = try await flushes.create(try form.input(), context: context.eventContext)
            return Flash(kind: .success, message: "Flush \(flush.code) was recorded.")
                .redirect(to: "/flushes/\(flush.id ?? 0)")
        } catch let error as APIError where error.status.code < 500 {
            return try await flushForm(request, context, form: form, error: error)
        }
    }

    private func flushPage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let detail = try await flushes.detail(id: try context.id())
        return pages.page(
            "flushes/flush", title: "Flush \(detail.flush.code)", section: "reproduction", request: request,
            context: context, model: FlushPage(detail))
    }

    // MARK: Worklist

    private func worklist(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let today = pages.time.today
        let day = try FlushesAPIController.day(ListQuery(request)["day"]) ?? today
        let items = try await superovulations.worklist(day: day, today: today)
        return pages.page(
            "flushes/worklist", title: "Superovulation worklist", section: "reproduction", request: request,
            context: context,
            model: WorklistPage(
                day: day, isToday: day == today, previous: Day.adding(-1, to: day) ?? day,
                next: Day.adding(1, to: day) ?? day, items: items.map { WorklistPage.Row($0, time: pages.time) },
                empty: items.isEmpty, canWrite: canWrite(context)))
    }

    private func markDone(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: DoneForm.self, context: context)
        let back = "/superovulation" + (FormText.text(form.day).flatMap(Day.date).map { "?day=\(Day.text($0))" } ?? "")
        return try await Flash.after(redirectTo: back) {
            let step = try await superovulations.markDone(step: try context.id(), context: context.eventContext)
            return "\(step.what) on \(step.dueOn) is done."
        }
    }

    // MARK: Protocols

    private func protocols(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let archived = try query.choice("archived", in: ["true", "false"]) == "true"
        let page = try await superovulations.protocols(archived: archived, after: try query.cursor(), limit: 200)
        return pages.page(
            "flushes/protocols", title: "Superovulation protocols", section: "reproduction", request: request,
            context: context,
            model: ProtocolsPage(
                protocols: page.items.map(ProtocolsPage.Row.init), empty: page.items.isEmpty, archived: archived,
                canWrite: canWrite(context)))
    }

    private func protocolForm(
        _ request: Request, _ context: AppRequestContext, id: Int64?, form: ProtocolForm, error: APIError?
    ) -> Response {
        pages.page(
            "flushes/protocol", title: id == nil ? "New superovulation protocol" : "Protocol \(form.name)",
            section: "reproduction", request: request, context: context,
            model: ProtocolPage(
                id: id, form: form, error: error?.message,
                speciesChoices: Choice.list(
                    superovulations.species, selected: form.species.isEmpty ? "bovine" : form.species),
                archived: form.archived,
                canWrite: canWrite(context)),
            trail: [Navigation.Link(label: "Protocols", href: "/superovulation/protocols")],
            status: error?.httpStatus ?? .ok)
    }

    private func saveProtocol(_ request: Request, _ context: AppRequestContext, id: Int64?) async throws -> Response {
        let form = ProtocolForm(posted: try await request.decode(as: FieldsByID.self, context: context))
        do {
            let input = try form.input()
            let saved: SuperovulationProtocol
            if let id {
                saved = try await superovulations.updateProtocol(id: id, input, context: context.eventContext)
            } else {
                saved = try await superovulations.createProtocol(input, context: context.eventContext)
            }
            return Flash(kind: .success, message: "Protocol \(saved.name) was saved.")
                .redirect(to: "/superovulation/protocols/\(saved.id ?? 0)")
        } catch let error as APIError where error.status.code < 500 {
            return protocolForm(request, context, id: id, form: form, error: error)
        }
    }

    private func archive(_ context: AppRequestContext, archived: Bool) async throws -> Response {
        let id = try context.id()
        return try await Flash.after(redirectTo: "/superovulation/protocols/\(id)") {
            let item = try await superovulations.archiveProtocol(
                id: id, archived: archived, context: context.eventContext)
            return archived ? "\(item.name) is archived." : "\(item.name) is in use again."
        }
    }

    // MARK: Superovulations

    private func startForm(_ request: Request, _ context: AppRequestContext, form: StartForm, error: APIError?)
        async throws -> Response
    {
        let templates = try await superovulations.activeProtocols()
        return pages.page(
            "flushes/superovulation-new", title: "Start a superovulation", section: "reproduction", request: request,
            context: context,
            model: StartPage(
                form: form, error: error?.message,
                protocols: templates.map {
                    Choice(
                        value: String($0.id ?? 0), label: "\($0.name) (\($0.species), \($0.steps.count) steps)",
                        selected: String($0.id ?? 0) == form.protocolId)
                }, noProtocols: templates.isEmpty),
            status: error?.httpStatus ?? .ok)
    }

    private func start(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: StartForm.self, context: context)
        do {
            let run = try await superovulations.start(try form.input(), context: context.eventContext)
            return Flash(kind: .success, message: "\(run.code) started: the schedule is on the worklist.")
                .redirect(to: "/superovulations/\(run.id ?? 0)")
        } catch let error as APIError where error.status.code < 500 {
            return try await startForm(request, context, form: form, error: error)
        }
    }

    private func superovulationPage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let detail = try await superovulations.detail(id: try context.id())
        return pages.page(
            "flushes/superovulation", title: "Superovulation \(detail.superovulation.code)", section: "reproduction",
            request: request, context: context,
            model: SuperovulationPage(detail, time: pages.time, canWrite: canWrite(context)),
            trail: [Navigation.Link(label: "Worklist", href: "/superovulation")])
    }

    package init(flushes: FlushStore, superovulations: SuperovulationStore, pages: PageRenderer) {
        self.flushes = flushes
        self.superovulations = superovulations
        self.pages = pages
    }
}
