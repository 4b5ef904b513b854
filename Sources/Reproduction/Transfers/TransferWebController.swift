import Attachments
import Biobank
import Collaboration
import Foundation
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
            try await transferForm(request, context, form: TransferForm(ListQuery(request)), error: nil)
        }
        routes.post("/reproduction/transfers", .reproductionWrite) { request, context in
            let form = try await request.decode(as: TransferForm.self, context: context)
            do {
                let witness = try await FormText.text(form.witnessEmail).map {
                    WitnessRequest(
                        email: $0, password: form.witnessPassword ?? "", code: FormText.text(form.witnessCode))
                }?.witness(identity: identity, context: context)
                let transfer = try await stores.transfers.create(
                    .init(
                        recipientId: try FormText.id(form.recipientId, field: "recipient_id"),
                        embryoIds: try form.embryoIds(),
                        transferredOn: FormText.text(form.transferredOn), technician: FormText.text(form.technician),
                        clSide: FormText.text(form.clSide), clQuality: FormText.text(form.clQuality),
                        notes: FormText.text(form.notes)),
                    witness: witness, context: context.eventContext)
                return Flash(kind: .success, message: "Transfer #\(transfer.id ?? 0) recorded and witnessed.")
                    .redirect(to: "/reproduction/transfers/\(transfer.id ?? 0)")
            } catch let error as APIError where error.status.code < 500 {
                return try await transferForm(request, context, form: form, error: error)
            }
        }
        routes.get("/reproduction/transfers/{id}", .reproductionRead) { request, context in
            try await trace(request, context)
        }
        routes.post("/reproduction/transfers/{id}/checks", .reproductionWrite) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: CheckForm.self, context: context)
            return try await Flash.after(redirectTo: "/reproduction/transfers/\(id)") {
                let check = try await stores.transfers.diagnose(
                    transfer: id,
                    .init(
                        checkedOn: FormText.text(form.checkedOn), method: FormText.text(form.method),
                        result: FormText.text(form.result), fetalSex: FormText.text(form.fetalSex),
                        notes: FormText.text(form.notes)), context: context.eventContext)
                return "Diagnosis recorded: \(check.result.rawValue) (\(check.method.rawValue))."
            }
        }
        routes.post("/reproduction/transfers/{id}/outcome", .reproductionWrite) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: OutcomeForm.self, context: context)
            return try await Flash.after(redirectTo: "/reproduction/transfers/\(id)") {
                let transfer = try await stores.transfers.recordOutcome(
                    transfer: id,
                    .init(
                        outcome: FormText.text(form.outcome), outcomeOn: FormText.text(form.outcomeOn),
                        offspringSex: FormText.text(form.offspringSex)),
                    context: context.eventContext)
                return "Outcome recorded: \(transfer.outcome.rawValue.replacingOccurrences(of: "_", with: " "))."
            }
        }
    }

    /// A witnessed transfer, as posted: its fields, up to three embryos chosen with pickers
    /// (`embryo_id_1` to `_3`) and the witness; shown again with the error when it is refused.
    struct TransferForm: Codable {
        var recipientId: String?
        var transferredOn: String?
        var technician: String?
        var clSide: String?
        var clQuality: String?
        var notes: String?
        var witnessEmail: String?
        var witnessPassword: String?
        var witnessCode: String?
        var embryoId1: String?
        var embryoId2: String?
        var embryoId3: String?

        enum CodingKeys: String, CodingKey {
            case technician, notes
            case recipientId = "recipient_id"
            case transferredOn = "transferred_on"
            case clSide = "cl_side"
            case clQuality = "cl_quality"
            case witnessEmail = "witness_email"
            case witnessPassword = "witness_password"
            case witnessCode = "witness_code"
            case embryoId1 = "embryo_id_1"
            case embryoId2 = "embryo_id_2"
            case embryoId3 = "embryo_id_3"
        }

        /// Empty for today, or filled in from a pairing of the transfer-day worklist: the
        /// recipient, the embryo, the day and her corpus luteum as checked at the chute.
        init(_ query: ListQuery) {
            recipientId = query["recipient_id"]
            embryoId1 = query["embryo_id_1"]
            transferredOn = query["transferred_on"] ?? Day.today
            clSide = query["cl_side"]
            clQuality = query["cl_quality"]
        }

        /// The embryos chosen, each once; the store refuses none or more than three.
        func embryoIds() throws -> [Int64] {
            var ids: [Int64] = []
            for field in [embryoId1, embryoId2, embryoId3] {
                if let id = try FormText.id(field, field: "embryo_ids"), !ids.contains(id) { ids.append(id) }
            }
            return ids
        }
    }

    /// A pregnancy diagnosis.
    struct CheckForm: Decodable {
        var checkedOn: String?
        var method: String?
        var result: String?
        var fetalSex: String?
        var notes: String?

        enum CodingKeys: String, CodingKey {
            case method, result, notes
            case checkedOn = "checked_on"
            case fetalSex = "fetal_sex"
        }
    }

    /// How a pregnancy ended.
    struct OutcomeForm: Decodable {
        var outcome: String?
        var outcomeOn: String?
        var offspringSex: String?

        enum CodingKeys: String, CodingKey {
            case outcome
            case outcomeOn = "outcome_on"
            case offspringSex = "offspring_sex"
        }
    }

    private func transferForm(_ request: Request, _ context: AppRequestContext, form: TransferForm, error: APIError?)
        async throws -> Response
    {
        let noEmbryos = try await !stores.embryos.anyTransferable()
        var shown = form
        shown.technician = form.technician ?? context.principal?.displayName ?? ""
        // The witness's password is never sent back to the browser.
        shown.witnessPassword = nil
        return pages.page(
            "reproduction/transfer-new", title: "New embryo transfer", section: "reproduction", request: request,
            context: context,
            model: TransferFormPage(
                form: shown, error: error?.message,
                noEmbryos: noEmbryos,
                sides: ["", "left", "right"].map { Choice(value: $0, selected: $0 == (form.clSide ?? "")) }
            ), status: error?.httpStatus ?? .ok)
    }

    /// `transfer-new.mustache`.
    struct TransferFormPage: Encodable {
        let form: TransferForm
        let error: String?
        let noEmbryos: Bool
        let sides: [Choice]
    }

    private func trace(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        let trace = try await database.read { try Trace.back($0, transfer: id) }
        let transfer = trace.transfer
        let canWrite = context.principal?.can(.reproductionWrite) == true
        let lastResult = trace.pregnancyChecks.last?.check.result
        return pages.page(
            "reproduction/transfer", title: "Transfer #\(id) to \(trace.recipient)", section: "reproduction",
            request: request,
            context: context,
            model: TransferPage(
                transfer: TransferPage.Transfer(
                    id: id, recipient: trace.recipient, recipientId: transfer.recipientId,
                    date: transfer.transferredOn, technician: transfer.technician,
                    cl: [transfer.clSide, transfer.clQuality].filter { !$0.isEmpty }.joined(separator: ", ").nonEmpty,
                    notes: transfer.notes.nonEmpty,
                    outcome: transfer.outcome == .unknown
                        ? nil
                        : "\(transfer.outcome.rawValue.replacingOccurrences(of: "_", with: " ")) on \(transfer.outcomeOn ?? "")"
                            + (transfer.offspringSex.isEmpty ? "" : ", \(transfer.offspringSex)")),
                origins: trace.embryos.map { origin in
                    TransferPage.Origin(
                        code: origin.embryo.code, iets: origin.embryo.iets, day: origin.embryo.day,
                        stage: Embryo.stages[origin.embryo.stage] ?? "",
                        grade: Embryo.grades[origin.embryo.grade] ?? "",
                        donor: origin.donor, donorId: origin.embryo.donorId, sire: origin.sire,
                        sireId: origin.embryo.sireId,
                        origin: origin.embryo.origin == .ivp ? "in vitro (IVP)" : "in vivo (flush)",
                        batch: origin.batch.map {
                            TransferPage.Batch(
                                id: $0.id ?? 0, code: $0.code, date: $0.fertilisedOn, protocol: $0.protocol.nonEmpty)
                        },
                        opus: origin.opuSessions.map {
                            TransferPage.OPU(
                                date: $0.performedOn, operator: $0.operator, oocytes: $0.oocytes,
                                follicles: $0.follicles)
                        },
                        semen: origin.semen?.nonEmpty, straw: origin.straw ?? "",
                        thawed: origin.embryo.sampleId != nil)
                },
                checks: trace.pregnancyChecks.map { diagnosis in
                    let check = diagnosis.check
                    return TransferPage.Check(
                        date: check.checkedOn, days: diagnosis.daysAfterTransfer,
                        method: check.method.rawValue.replacingOccurrences(of: "_", with: " "),
                        result: check.result.rawValue, fetalSex: check.fetalSex.nonEmpty, by: check.checkedBy)
                },
                noChecks: trace.pregnancyChecks.isEmpty,
                signatures: trace.signatures.map { signature in
                    TransferPage.Signature(
                        signer: signature.signer, meaning: signature.meaning.rawValue,
                        at: pages.time.text(signature.signedAt),
                        current: signature.matchesCurrentVersion)
                },
                canCheck: canWrite && transfer.outcome == .unknown,
                canOutcome: canWrite && lastResult == .pregnant && transfer.outcome == .unknown, today: Day.today,
                attachments: try await AttachmentPanel.load(
                    Transfer.attachable, id: id, database: database, principal: context.principal, time: pages.time),
                activity: try await RecordActivity.load(
                    Transfer.attachable, id: id, database: database, principal: context.principal, time: pages.time)))
    }

    /// `transfer.mustache`: the trace from sire and donor to the transfer and what came of it.
    struct TransferPage: Encodable {
        struct Transfer: Encodable {
            let id: Int64
            let recipient: String
            let recipientId: Int64
            let date: String
            let technician: String
            /// Side and quality of the corpus luteum.
            let cl: String?
            let notes: String?
            let outcome: String?
        }
        /// An embryo transferred, back to its parents.
        struct Origin: Encodable {
            let code: String
            let iets: String
            let day: Int
            let stage: String
            let grade: String
            let donor: String
            let donorId: Int64
            let sire: String
            let sireId: Int64
            let origin: String
            let batch: Batch?
            let opus: [OPU]
            let semen: String?
            let straw: String
            let thawed: Bool
        }
        struct Batch: Encodable {
            let id: Int64
            let code: String
            let date: String
            let `protocol`: String?
        }
        struct OPU: Encodable {
            let date: String
            let `operator`: String
            let oocytes: Int
            let follicles: Int
        }
        struct Check: Encodable {
            let date: String
            let days: Int
            let method: String
            let result: String
            let fetalSex: String?
            let by: String
        }
        struct Signature: Encodable {
            let signer: String
            let meaning: String
            let at: String
            let current: Bool
        }
        let transfer: Transfer
        let origins: [Origin]
        let checks: [Check]
        let noChecks: Bool
        let signatures: [Signature]
        let canCheck: Bool
        let canOutcome: Bool
        let today: String
        let attachments: AttachmentPanel?
        let activity: RecordActivity?
    }

    package init(stores: ReproductionStores, identity: Identity, pages: PageRenderer) {
        self.stores = stores
        self.identity = identity
        self.pages = pages
    }
}
