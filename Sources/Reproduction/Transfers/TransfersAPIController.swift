import Biobank
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The JSON API of embryo transfers, pregnancy checks and outcomes, and the traces back from a
/// transfer and forward from a donor or sire.
package struct TransfersAPIController {
    package let transfers: TransferStore
    package let identity: Identity

    package func addRoutes(to routes: RouteTable) {
        let database = transfers.database
        routes.get("/api/v1/transfers", .reproductionRead, .listTransfers) { request, _ in
            let query = ListQuery(request)
            let page = try await transfers.transfers(after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.get("/api/v1/transfers/lookup", .reproductionRead, .findTransfers) { request, _ in
            guard let words = try Lookup.words(ListQuery(request)) else { return ItemList<Lookup.Match>(items: []) }
            return try await transfers.lookup(words)
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
    }

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

    package init(transfers: TransferStore, identity: Identity) {
        self.transfers = transfers
        self.identity = identity
    }
}
