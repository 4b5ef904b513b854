import Biobank
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The reproduction API: semen collections, OPU sessions, IVF batches, embryos, transfers,
/// pregnancy checks, traces and statistics.
package struct ReproductionAPIController {
    package let stores: ReproductionStores
    package let identity: Identity

    package func addRoutes(to routes: RouteTable) {
        addSemen(to: routes)
        addLab(to: routes)
        addTransfers(to: routes)
    }

    private func addSemen(to routes: RouteTable) {
        let semen = stores.semen
        routes.get("/api/v1/semen-collections", .reproductionRead, .listSemenCollections) { request, _ in
            let query = ListQuery(request)
            let page = try await semen.collections(after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/semen-collections", .reproductionWrite, .recordSemenCollection) { request, context in
            let input = try await request.decode(as: SemenStore.Input.self, context: context)
            return EditedResponse(
                status: .created, response: try await semen.create(input, context: context.eventContext))
        }
        routes.get("/api/v1/semen-collections/{id}", .reproductionRead, .oneSemenCollectionWithItsStraws) {
            _, context in
            guard let (collection, straws) = try await semen.collection(id: try context.id()) else {
                throw APIError.notFound("No such semen collection.")
            }
            return CollectionBody(collection: collection, straws: straws)
        }
        routes.post("/api/v1/semen-collections/{id}/process", .reproductionWrite, .processIntoStraws) {
            request, context in
            let input = try await request.decode(as: SemenStore.ProcessInput.self, context: context)
            let straws = try await semen.process(id: try context.id(), input, context: context.eventContext)
            return EditedResponse(status: .created, response: ItemList(items: straws))
        }
    }

    package struct CollectionBody: Encodable, Sendable, ResponseEncodable {
        package let collection: SemenCollection
        package let straws: [Sample]
    }

    private func addLab(to routes: RouteTable) {
        let lab = stores.lab
        let embryos = stores.embryos
        routes.get("/api/v1/opu-sessions", .reproductionRead, .listOPUSessions) { request, _ in
            let query = ListQuery(request)
            let page = try await lab.opuSessions(
                donor: try query.id("donor"), after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/opu-sessions", .reproductionWrite, .recordOPUSession) { request, context in
            let input = try await request.decode(as: ReproductionStore.OPUInput.self, context: context)
            return EditedResponse(
                status: .created, response: try await lab.createOPU(input, context: context.eventContext))
        }
        routes.get("/api/v1/opu-sessions/{id}", .reproductionRead, .oneOPUSession) { _, context in
            guard let session = try await lab.opu(id: try context.id()) else {
                throw APIError.notFound("No such OPU session.")
            }
            return session
        }
        routes.get("/api/v1/ivf-batches", .reproductionRead, .listIVFBatches) { request, _ in
            let query = ListQuery(request)
            let page = try await lab.batches(after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/ivf-batches", .reproductionWrite, .startIVFBatch) { request, context in
            let input = try await request.decode(as: ReproductionStore.BatchInput.self, context: context)
            return EditedResponse(
                status: .created, response: try await lab.createBatch(input, context: context.eventContext))
        }
        routes.get("/api/v1/ivf-batches/{id}", .reproductionRead, .oneIVFBatch) { _, context in
            guard let report = try await lab.batch(id: try context.id()) else {
                throw APIError.notFound("No such batch.")
            }
            return report
        }
        routes.post("/api/v1/ivf-batches/{id}/checks", .reproductionWrite, .recordCultureCheck) { request, context in
            let input = try await request.decode(as: ReproductionStore.CheckInput.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await lab.addCheck(batch: try context.id(), input, context: context.eventContext))
        }
        routes.post("/api/v1/ivf-batches/{id}/embryos", .reproductionWrite, .gradeEmbryosOfBatch) { request, context in
            let input = try await request.decode(as: EmbryoStore.GradingInput.self, context: context)
            let graded = try await embryos.grade(batch: try context.id(), input, context: context.eventContext)
            return EditedResponse(status: .created, response: ItemList(items: graded))
        }
        routes.post("/api/v1/embryos", .reproductionWrite, .recordFlushedInVivoEmbryos) { request, context in
            let input = try await request.decode(as: EmbryoStore.GradingInput.self, context: context)
            let graded = try await embryos.grade(batch: nil, input, context: context.eventContext)
            return EditedResponse(status: .created, response: ItemList(items: graded))
        }
        routes.get("/api/v1/embryos/{id}", .reproductionRead, .oneEmbryo) { _, context in
            let embryoID = try context.id()
            return try await lab.database.read { try EmbryoStore.embryo($0, id: embryoID) }
        }
        routes.patch("/api/v1/embryos/{id}", .reproductionWrite, .regradeEmbryoInCulture) { request, context in
            let input = try await request.decode(as: EmbryoStore.RegradeInput.self, context: context)
            return try await embryos.regrade(id: try context.id(), input, context: context.eventContext)
        }
        routes.post("/api/v1/embryos/{id}/freeze", .reproductionWrite, .freezeEmbryoIntoStraw) { request, context in
            let input = try await request.decode(as: EmbryoStore.FreezeInput.self, context: context)
            let (embryo, straw) = try await embryos.freeze(id: try context.id(), input, context: context.eventContext)
            return EditedResponse(status: .created, response: Frozen(embryo: embryo, straw: straw))
        }
        routes.post("/api/v1/embryos/{id}/discard", .reproductionWrite, .discardEmbryoInCulture) { request, context in
            let input = try await request.decode(as: ReasonBody.self, context: context)
            return try await embryos.discard(id: try context.id(), reason: input.reason, context: context.eventContext)
        }
    }

    package struct Frozen: Encodable, Sendable, ResponseEncodable {
        package let embryo: Embryo
        package let straw: Sample
    }

    package struct ReasonBody: Decodable, Sendable { var reason: String? }

    /// A transfer as posted: its fields and the witness's credentials beside them.
    package struct TransferBody: Decodable, Sendable {
        package let input: TransferStore.Input
        package let witness: WitnessRequest?

        package enum CodingKeys: String, CodingKey { case witness }

        package init(from decoder: Decoder) throws {
            input = try TransferStore.Input(from: decoder)
            witness = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(
                WitnessRequest.self, forKey: .witness)
        }
    }

    private func addTransfers(to routes: RouteTable) {
        let transfers = stores.transfers
        let database = stores.lab.database
        routes.get("/api/v1/transfers", .reproductionRead, .listTransfers) { request, _ in
            let query = ListQuery(request)
            let page = try await transfers.transfers(after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/transfers", .reproductionWrite, .recordWitnessedEmbryoTransfer) { request, context in
            let body = try await request.decode(as: TransferBody.self, context: context)
            let witness = try await body.witness?.witness(identity: identity, context: context)
            let transfer = try await transfers.create(body.input, witness: witness, context: context.eventContext)
            let transferID = transfer.id ?? 0
            return EditedResponse(
                status: .created, response: try await database.read { try Trace.back($0, transfer: transferID) })
        }
        routes.get("/api/v1/transfers/{id}", .reproductionRead, .transferTrace) { _, context in
            let transferID = try context.id()
            return try await database.read { try Trace.back($0, transfer: transferID) }
        }
        routes.post("/api/v1/transfers/{id}/pregnancy-checks", .reproductionWrite, .recordPregnancyDiagnosis) {
            request, context in
            let input = try await request.decode(as: TransferStore.CheckInput.self, context: context)
            return EditedResponse(
                status: .created,
                response: try await transfers.diagnose(transfer: try context.id(), input, context: context.eventContext)
            )
        }
        routes.post("/api/v1/transfers/{id}/outcome", .reproductionWrite, .recordCalvingOrFoaling) { request, context in
            let input = try await request.decode(as: TransferStore.OutcomeInput.self, context: context)
            return try await transfers.recordOutcome(transfer: try context.id(), input, context: context.eventContext)
        }
        routes.get("/api/v1/pregnancy-checks/due", .reproductionRead, .pregnancyChecksDue) { request, _ in
            ItemList(
                items: try await transfers.due(
                    ahead: try ListQuery(request).limit(default: 0, maximum: 60, name: "ahead")))
        }
        routes.get("/api/v1/animals/{id}/reproduction", .reproductionRead, .forwardTraceOfDonorOrSire) { _, context in
            let animalID = try context.id()
            return try await database.read { try Trace.forward($0, animal: animalID) }
        }
        routes.get("/api/v1/reproduction/stats", .reproductionRead, .successStatistics) { request, _ in
            let grouping = try ReproductionStats.Grouping(ListQuery(request))
            return try await database.read { try ReproductionStats.report($0, by: grouping) }
        }
    }

    package init(stores: ReproductionStores, identity: Identity) {
        self.stores = stores
        self.identity = identity
    }
}

extension ReproductionStats.Grouping {
    /// `by`: donor (default), sire, technician or protocol.
    package init(_ query: ListQuery) throws {
        self = try query.choice("by", in: Self.allCases.map(\.rawValue)).flatMap(Self.init) ?? .donor
    }
}

/// The reproduction stores, built once from the settings.
package struct ReproductionStores: Sendable {
    package let lab: ReproductionStore
    package let embryos: EmbryoStore
    package let transfers: TransferStore
    package let semen: SemenStore

    package init(database: AppDatabase, config: AppConfig) {
        lab = ReproductionStore(database: database)
        embryos = EmbryoStore(database: database, settings: config.reproduction, sampleKinds: config.sampleKinds)
        transfers = TransferStore(database: database, settings: config.reproduction)
        semen = SemenStore(
            database: database, sampleKinds: config.sampleKinds, minPostThawMotility: config.minPostThawMotility)
    }
}
