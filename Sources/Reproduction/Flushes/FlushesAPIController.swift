import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The JSON API of conventional embryo transfer: superovulation protocols, a donor's
/// superovulation and its steps (the worklist), and flushes with their graded embryos.
package struct FlushesAPIController {
    package let flushes: FlushStore
    package let superovulations: SuperovulationStore
    package let time: LabTime

    package func addRoutes(to routes: RouteTable) {
        addFlushRoutes(to: routes)
        addProtocolRoutes(to: routes)
        addSuperovulationRoutes(to: routes)
    }

    private func addFlushRoutes(to routes: RouteTable) {
        routes.get("/api/v1/flushes", .reproductionRead, .listFlushes) { request, _ in
            let query = ListQuery(request)
            let page = try await flushes.list(
                try FlushStore.Filter(query), after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/flushes", .reproductionWrite, .recordFlush) { request, context in
            let input = try await request.decode(as: FlushStore.Input.self, context: context)
            let flush = try await flushes.create(input, context: context.eventContext)
            return EditedResponse(status: .created, response: try await flushes.detail(id: flush.id ?? 0))
        }
        routes.get("/api/v1/flushes/{id}", .reproductionRead, .oneFlush) { _, context in
            try await flushes.detail(id: try context.id())
        }
    }

    private func addProtocolRoutes(to routes: RouteTable) {
        routes.get("/api/v1/superovulation-protocols", .reproductionRead, .listSuperovulationProtocols) {
            request, _ in
            let query = ListQuery(request)
            let archived = try query.choice("archived", in: ["true", "false"]) == "true"
            let page = try await superovulations.protocols(
                archived: archived, after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/superovulation-protocols", .reproductionWrite, .recordSuperovulationProtocol) {
            request, context in
            let input = try await request.decode(as: SuperovulationStore.ProtocolInput.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await superovulations.createProtocol(input, context: context.eventContext))
        }
        routes.get("/api/v1/superovulation-protocols/{id}", .reproductionRead, .oneSuperovulationProtocol) {
            _, context in
            try await superovulations.protocolDetail(id: try context.id())
        }
        routes.patch("/api/v1/superovulation-protocols/{id}", .reproductionWrite, .changeSuperovulationProtocol) {
            request, context in
            let input = try await request.decode(as: SuperovulationStore.ProtocolInput.self, context: context)
            return try await superovulations.updateProtocol(id: try context.id(), input, context: context.eventContext)
        }
        routes.post(
            "/api/v1/superovulation-protocols/{id}/archive", .reproductionWrite, .archiveSuperovulationProtocol
        ) { _, context in
            try await superovulations.archiveProtocol(
                id: try context.id(), archived: true, context: context.eventContext)
        }
        routes.post(
            "/api/v1/superovulation-protocols/{id}/restore", .reproductionWrite, .restoreSuperovulationProtocol
        ) { _, context in
            try await superovulations.archiveProtocol(
                id: try context.id(), archived: false, context: context.eventContext)
        }
    }

    private func addSuperovulationRoutes(to routes: RouteTable) {
        routes.get("/api/v1/superovulations", .reproductionRead, .listSuperovulations) { request, _ in
            let query = ListQuery(request)
            let page = try await superovulations.list(
                try SuperovulationStore.Filter(query), after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/superovulations", .reproductionWrite, .startSuperovulation) { request, context in
            let input = try await request.decode(as: SuperovulationStore.StartInput.self, context: context)
            let run = try await superovulations.start(input, context: context.eventContext)
            return EditedResponse(status: .created, response: try await superovulations.detail(id: run.id ?? 0))
        }
        routes.get("/api/v1/superovulations/worklist", .reproductionRead, .superovulationWorklist) { request, _ in
            let day = try Self.day(ListQuery(request)["day"]) ?? time.today
            return Worklist(day: day, items: try await superovulations.worklist(day: day, today: time.today))
        }
        routes.get("/api/v1/superovulations/{id}", .reproductionRead, .oneSuperovulation) { _, context in
            try await superovulations.detail(id: try context.id())
        }
        routes.post("/api/v1/superovulations/{id}/cancel", .reproductionWrite, .cancelSuperovulation) {
            request, context in
            let input = try await request.decode(as: Cancellation.self, context: context)
            let run = try await superovulations.cancel(
                id: try context.id(), reason: input.reason, context: context.eventContext)
            return try await superovulations.detail(id: run.id ?? 0)
        }
        routes.post("/api/v1/superovulation-steps/{id}/done", .reproductionWrite, .markSuperovulationStepDone) {
            _, context in
            try await superovulations.markDone(step: try context.id(), context: context.eventContext)
        }
    }

    /// `day` as YYYY-MM-DD; nil when absent, a 400 when malformed.
    static func day(_ text: String?) throws -> String? {
        guard let text else { return nil }
        guard let day = Day.date(text) else { throw APIError.invalid("day must be YYYY-MM-DD.", field: "day") }
        return Day.text(day)
    }

    struct Worklist: ResponseEncodable {
        let day: String
        let items: [SuperovulationStore.WorkItem]
    }

    struct Cancellation: Decodable {
        var reason: String?
    }

    package init(flushes: FlushStore, superovulations: SuperovulationStore, time: LabTime) {
        self.flushes = flushes
        self.superovulations = superovulations
        self.time = time
    }
}
