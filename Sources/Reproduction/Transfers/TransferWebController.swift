import Biobank
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The transfer pages: a witnessed transfer, its trace, pregnancy checks and the outcome.
package struct TransferWebController {
    package let stores: ReproductionStores
    package let identity: Identity
    package let pages: PageRenderer

    private var database: AppDatabase { stores.lab.database }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/reproduction/transfers/new", .reproductionWrite) { request, context in
            try await transferForm(
                request, context, fields: FormFields(values: ["transferred_on": Day.today]), error: nil)
        }
        routes.post("/reproduction/transfers", .reproductionWrite) { request, context in
            let form = try await FormFields.decode(request, context: context)
            do {
                let witness = try await form["witness_email"].map {
                    WitnessRequest(
                        email: $0, password: form.values["witness_password"] ?? "", code: form["witness_code"])
                }?.witness(identity: identity, context: context)
                let transfer = try await stores.transfers.create(
                    .init(
                        recipientId: try form.id("recipient_id"),
                        embryoIds: form.byID(prefix: "embryo_").keys.sorted(), transferredOn: form["transferred_on"],
                        technician: form["technician"], clSide: form["cl_side"], clQuality: form["cl_quality"],
                        notes: form["notes"]),
                    witness: witness, context: context.eventContext)
                return Flash(kind: .success, message: "Transfer #\(transfer.id ?? 0) recorded and witnessed.")
                    .redirect(to: "/reproduction/transfers/\(transfer.id ?? 0)")
            } catch let error as APIError where error.status.code < 500 {
                return try await transferForm(request, context, fields: form, error: error)
            }
        }
        routes.get("/reproduction/transfers/{id}", .reproductionRead) { request, context in
            try await trace(request, context)
        }
        routes.post("/reproduction/transfers/{id}/checks", .reproductionWrite) { request, context in
            let id = try context.id()
            let form = try await FormFields.decode(request, context: context)
            return try await Flash.after(redirectTo: "/reproduction/transfers/\(id)") {
                let check = try await stores.transfers.diagnose(
                    transfer: id,
                    .init(
                        checkedOn: form["checked_on"], method: form["method"], result: form["result"],
                        fetalSex: form["fetal_sex"], notes: form["notes"]), context: context.eventContext)
                return "Diagnosis recorded: \(check.result.rawValue) (\(check.method.rawValue))."
            }
        }
        routes.post("/reproduction/transfers/{id}/outcome", .reproductionWrite) { request, context in
            let id = try context.id()
            let form = try await FormFields.decode(request, context: context)
            return try await Flash.after(redirectTo: "/reproduction/transfers/\(id)") {
                let transfer = try await stores.transfers.recordOutcome(
                    transfer: id,
                    .init(outcome: form["outcome"], outcomeOn: form["outcome_on"], offspringSex: form["offspring_sex"]),
                    context: context.eventContext)
                return "Outcome recorded: \(transfer.outcome.rawValue.replacingOccurrences(of: "_", with: " "))."
            }
        }
    }

    private func transferForm(_ request: Request, _ context: AppRequestContext, fields: FormFields, error: APIError?)
        async throws -> Response
    {
        let embryos = try await stores.embryos.transferable()
        let (names, straws) = try await database.read { db in
            (
                try ReproductionWebController.names(db, embryos.flatMap { [$0.donorId, $0.sireId] }),
                try Dictionary(
                    uniqueKeysWithValues: embryos.compactMap { embryo -> (Int64, String)? in
                        guard let sample = try embryo.sampleId.flatMap({ try Sample.fetchOne(db, key: $0) }),
                            let container = sample.containerId
                        else { return nil }
                        return (
                            embryo.id ?? 0,
                            try StorageStore.address(db, container: container, position: sample.position)
                        )
                    })
            )
        }
        let chosen = Set(fields.byID(prefix: "embryo_").keys)
        var form = fields.values
        form["technician"] = form["technician"] ?? context.principal?.displayName ?? ""
        form["witness_password"] = nil
        return pages.page(
            "transfer-new", title: "New embryo transfer", section: "reproduction", request: request, context: context,
            values: [
                "form": form, "error": error?.message as Any,
                "embryos": embryos.map { embryo -> [String: Any] in
                    [
                        "id": embryo.id ?? 0, "code": embryo.code, "iets": embryo.iets, "species": embryo.species,
                        "origin": "\(names[embryo.donorId] ?? "?") × \(names[embryo.sireId] ?? "?")",
                        "state": embryo.fate == .frozen
                            ? "frozen, \(straws[embryo.id ?? 0] ?? "not in storage")" : "fresh",
                        "checked": chosen.contains(embryo.id ?? 0),
                    ]
                },
                "no_embryos": embryos.isEmpty,
                "sides": ["", "left", "right"].map { ["value": $0, "selected": $0 == (form["cl_side"] ?? "")] },
            ], status: error?.httpStatus ?? .ok)
    }

    private func trace(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        let trace = try await database.read { try Trace.back($0, transfer: id) }
        let transfer = trace.transfer
        let canWrite = context.principal?.can(.reproductionWrite) == true
        let lastResult = trace.pregnancyChecks.last?.check.result
        return pages.page(
            "transfer", title: "Transfer #\(id) to \(trace.recipient)", section: "reproduction", request: request,
            context: context,
            values: [
                "transfer": PageRenderer.present([
                    "id": id, "recipient": trace.recipient, "recipient_id": transfer.recipientId,
                    "date": transfer.transferredOn, "technician": transfer.technician,
                    "cl": [transfer.clSide, transfer.clQuality].filter { !$0.isEmpty }.joined(separator: ", "),
                    "notes": transfer.notes,
                    "outcome": transfer.outcome == .unknown
                        ? ""
                        : "\(transfer.outcome.rawValue.replacingOccurrences(of: "_", with: " ")) on \(transfer.outcomeOn ?? "")"
                            + (transfer.offspringSex.isEmpty ? "" : ", \(transfer.offspringSex)"),
                ]),
                "origins": trace.embryos.map { origin -> [String: Any] in
                    PageRenderer.present([
                        "code": origin.embryo.code, "iets": origin.embryo.iets, "day": origin.embryo.day,
                        "stage": Embryo.stages[origin.embryo.stage] ?? "",
                        "grade": Embryo.grades[origin.embryo.grade] ?? "",
                        "donor": origin.donor, "donor_id": origin.embryo.donorId, "sire": origin.sire,
                        "sire_id": origin.embryo.sireId,
                        "origin": origin.embryo.origin == .ivp ? "in vitro (IVP)" : "in vivo (flush)",
                        "batch": origin.batch.map {
                            PageRenderer.present([
                                "id": $0.id ?? 0, "code": $0.code, "date": $0.fertilisedOn, "protocol": $0.protocol,
                            ])
                        } as Any,
                        "opus": origin.opuSessions.map {
                            [
                                "date": $0.performedOn, "operator": $0.operator, "oocytes": $0.oocytes,
                                "follicles": $0.follicles,
                            ]
                        },
                        "semen": origin.semen ?? "", "straw": origin.straw ?? "",
                        "thawed": origin.embryo.sampleId != nil,
                    ])
                },
                "checks": trace.pregnancyChecks.map { diagnosis -> [String: Any] in
                    let check = diagnosis.check
                    return PageRenderer.present([
                        "date": check.checkedOn, "days": diagnosis.daysAfterTransfer,
                        "method": check.method.rawValue.replacingOccurrences(of: "_", with: " "),
                        "result": check.result.rawValue, "fetal_sex": check.fetalSex, "by": check.checkedBy,
                    ])
                },
                "no_checks": trace.pregnancyChecks.isEmpty,
                "signatures": trace.signatures.map { signature -> [String: Any] in
                    [
                        "signer": signature.signer, "meaning": signature.meaning.rawValue,
                        "at": signature.signedAt.formatted(date: .abbreviated, time: .shortened),
                        "current": signature.matchesCurrentVersion,
                    ]
                },
                "can_check": canWrite && transfer.outcome == .unknown,
                "can_outcome": canWrite && lastResult == .pregnant && transfer.outcome == .unknown,
                "today": Day.today,
            ])
    }

    package init(stores: ReproductionStores, identity: Identity, pages: PageRenderer) {
        self.stores = stores
        self.identity = identity
        self.pages = pages
    }
}
