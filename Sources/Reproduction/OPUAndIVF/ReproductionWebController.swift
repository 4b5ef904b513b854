import Biobank
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The reproduction pages: the overview with its lists, OPU entry, IVF batches with their checks.
/// The embryo forms on the batch page post to ``EmbryosWebController``.
package struct ReproductionWebController {
    package let stores: ReproductionStores
    package let pages: PageRenderer

    private var database: AppDatabase { stores.lab.database }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/reproduction", .reproductionRead) { request, context in try await overview(request, context) }
        routes.get("/reproduction/opu/new", .reproductionWrite) { request, context in
            opuForm(request, context, form: OPUForm(performedOn: Day.today), error: nil)
        }
        routes.post("/reproduction/opu", .reproductionWrite) { request, context in
            let form = try await request.decode(as: OPUForm.self, context: context)
            do {
                let session = try await stores.lab.createOPU(try form.input(), context: context.eventContext)
                return Flash(
                    kind: .success,
                    message: "OPU session saved: \(session.oocytes) oocytes from \(session.follicles) follicles "
                        + "(recovery \(session.recovery.text))."
                ).redirect(to: "/reproduction?tab=opu")
            } catch let error as APIError where error.status.code < 500 {
                return opuForm(request, context, form: form, error: error)
            }
        }
        routes.get("/reproduction/batches/new", .reproductionWrite) { request, context in
            try await batchForm(request, context, form: BatchForm(fertilisedOn: Day.today), error: nil)
        }
        routes.post("/reproduction/batches", .reproductionWrite) { request, context in
            let form = try await request.decode(as: BatchForm.self, context: context)
            do {
                let report = try await stores.lab.createBatch(
                    try form.input(), context: context.eventContext)
                return Flash(
                    kind: .success, message: "Batch \(report.batch.code) started with \(report.inseminated) oocytes."
                )
                .redirect(to: "/reproduction/batches/\(report.batch.id ?? 0)")
            } catch let error as APIError where error.status.code < 500 {
                return try await batchForm(request, context, form: form, error: error)
            }
        }
        routes.get("/reproduction/batches/{id}", .reproductionRead) { request, context in
            try await batch(request, context)
        }
        routes.post("/reproduction/batches/{id}/checks", .reproductionWrite) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: CheckForm.self, context: context)
            return try await Self.backToBatchPage(request) {
                let report = try await stores.lab.addCheck(
                    batch: id,
                    .init(
                        day: try FormText.int(form.day, field: "day"), checkedOn: FormText.text(form.checkedOn),
                        cleaved: try FormText.int(form.cleaved, field: "cleaved"),
                        blastocysts: try FormText.int(form.blastocysts, field: "blastocysts"),
                        notes: FormText.text(form.notes)),
                    context: context.eventContext)
                return "Day \(FormText.text(form.day) ?? "") recorded: cleavage \(report.cleavageRate?.text ?? "—"), "
                    + "blastocysts \(report.blastocystRate?.text ?? "—")."
            }
        }
    }

    /// Runs an action posted from the batch page and returns to it with what happened, or with
    /// the error shown above the forms.
    static func backToBatchPage(_ request: Request, _ action: () async throws -> String) async throws -> Response {
        try await Flash.after(
            redirectTo: request.headers[.referer].flatMap { URL(string: $0)?.path } ?? "/reproduction", action)
    }

    /// A new OPU session, as posted; shown again with the error when it is refused.
    struct OPUForm: Codable {
        var donorId: String?
        var performedOn: String?
        var `operator`: String?
        var follicles: String?
        var oocytes: String?
        var grade1: String?
        var grade2: String?
        var grade3: String?
        var grade4: String?
        var degenerate: String?
        var notes: String?

        enum CodingKeys: String, CodingKey {
            case follicles, oocytes, degenerate, notes
            case `operator`
            case donorId = "donor_id"
            case performedOn = "performed_on"
            case grade1 = "grade_1"
            case grade2 = "grade_2"
            case grade3 = "grade_3"
            case grade4 = "grade_4"
        }

        init(performedOn: String) {
            self.performedOn = performedOn
        }

        func input() throws -> ReproductionStore.OPUInput {
            .init(
                donorId: try FormText.id(donorId, field: "donor_id"), performedOn: FormText.text(performedOn),
                operator: FormText.text(`operator`), follicles: try FormText.int(follicles, field: "follicles"),
                oocytes: try FormText.int(oocytes, field: "oocytes"),
                grade1: try FormText.int(grade1, field: "grade_1"),
                grade2: try FormText.int(grade2, field: "grade_2"), grade3: try FormText.int(grade3, field: "grade_3"),
                grade4: try FormText.int(grade4, field: "grade_4"),
                degenerate: try FormText.int(degenerate, field: "degenerate"), notes: FormText.text(notes))
        }
    }

    /// A new IVF batch, as posted: its fields and the oocytes taken from each OPU session
    /// (`opu_<id>`); shown again with the error when it is refused.
    struct BatchForm: Codable {
        var code: String?
        var sireId: String?
        var semenSampleId: String?
        var fertilisedOn: String?
        var medium: String?
        var `protocol`: String?
        var technician: String?
        var notes: String?
        var oocytes = FieldsByID()

        enum CodingKeys: String, CodingKey {
            case code, medium, `protocol`, technician, notes
            case sireId = "sire_id"
            case semenSampleId = "semen_sample_id"
            case fertilisedOn = "fertilised_on"
        }

        init(fertilisedOn: String) {
            self.fertilisedOn = fertilisedOn
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            code = try container.decodeIfPresent(String.self, forKey: .code)
            sireId = try container.decodeIfPresent(String.self, forKey: .sireId)
            semenSampleId = try container.decodeIfPresent(String.self, forKey: .semenSampleId)
            fertilisedOn = try container.decodeIfPresent(String.self, forKey: .fertilisedOn)
            medium = try container.decodeIfPresent(String.self, forKey: .medium)
            `protocol` = try container.decodeIfPresent(String.self, forKey: .protocol)
            technician = try container.decodeIfPresent(String.self, forKey: .technician)
            notes = try container.decodeIfPresent(String.self, forKey: .notes)
            oocytes = try FieldsByID(from: decoder)
        }

        /// The batch to start.
        func input() throws -> ReproductionStore.BatchInput {
            let sources = try oocytes.byID(prefix: "opu_").sorted { $0.key < $1.key }.compactMap {
                id, text -> ReproductionStore.BatchInput.Oocytes? in
                let count = text.trimmingCharacters(in: .whitespaces)
                guard !count.isEmpty else { return nil }
                guard let oocytes = Int(count) else {
                    throw APIError.invalid("Enter the oocytes of OPU \(id) as a number.", field: "opu_\(id)")
                }
                return oocytes == 0 ? nil : .init(opuId: id, oocytes: oocytes)
            }
            return .init(
                code: FormText.text(code), sireId: try FormText.id(sireId, field: "sire_id"),
                semenSampleId: try FormText.id(semenSampleId, field: "semen_sample_id"),
                fertilisedOn: FormText.text(fertilisedOn), medium: FormText.text(medium),
                protocol: FormText.text(`protocol`), technician: FormText.text(technician), notes: FormText.text(notes),
                oocytesFrom: sources)
        }
    }

    /// A culture check posted from the batch page.
    struct CheckForm: Decodable {
        var day: String?
        var checkedOn: String?
        var cleaved: String?
        var blastocysts: String?
        var notes: String?

        enum CodingKeys: String, CodingKey {
            case day, cleaved, blastocysts, notes
            case checkedOn = "checked_on"
        }
    }

    // MARK: Overview

    package enum Tab: String, CaseIterable {
        case batches, opu, transfers, semen

        package var label: String {
            switch self {
            case .batches: "IVF batches"
            case .opu: "OPU sessions"
            case .transfers: "Transfers"
            case .semen: "Semen collections"
            }
        }

        package var new: (href: String, label: String) {
            switch self {
            case .batches: ("/reproduction/batches/new", "New IVF batch")
            case .opu: ("/reproduction/opu/new", "New OPU session")
            case .transfers: ("/reproduction/transfers/new", "New transfer")
            case .semen: ("/reproduction/semen/new", "New semen collection")
            }
        }
    }

    private func overview(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let tab = try query.choice("tab", in: Tab.allCases.map(\.rawValue)).flatMap(Tab.init) ?? .batches
        let after = try query.cursor()
        let (table, next) =
            switch tab {
            case .opu: try await opuTable(after: after)
            case .batches: try await batchTable(after: after)
            case .transfers: try await transferTable(after: after)
            case .semen: try await semenTable(after: after)
            }
        let due = try await stores.transfers.due(ahead: 7).map { due in
            ReproductionPage.Due(
                id: due.transferId, recipient: due.recipient, transferredOn: due.transferredOn, dueOn: due.dueOn,
                overdue: due.dueOn < Day.today)
        }
        return pages.page(
            "reproduction/reproduction", title: "Reproduction", section: "reproduction", request: request,
            context: context,
            model: ReproductionPage(
                tabs: Tab.allCases.map {
                    ReproductionPage.Tab(value: $0.rawValue, label: $0.label, selected: $0 == tab)
                },
                newHref: tab.new.href, newLabel: tab.new.label,
                canWrite: context.principal?.can(.reproductionWrite) == true, due: due, hasDue: !due.isEmpty,
                table: table, next: next.map { "tab=\(tab.rawValue)&cursor=\(Cursor.encode($0))" }))
    }

    /// `reproduction.mustache`.
    struct ReproductionPage: Encodable {
        struct Due: Encodable {
            let id: Int64
            let recipient: String
            let transferredOn: String
            let dueOn: String
            let overdue: Bool
        }

        struct Tab: Encodable {
            let value: String
            let label: String
            let selected: Bool
        }
        /// A list as the overview shows it: headers, and rows of cells with an optional link.
        struct Table: Encodable {
            struct Row: Encodable {
                let cells: [Cell]

                init(_ cells: [Cell]) { self.cells = cells }
            }
            struct Cell: Encodable {
                let text: String
                let href: String?

                init(_ text: String, href: String? = nil) {
                    self.text = text
                    self.href = href
                }
            }
            let caption: String
            let columns: [String]
            let rows: [Row]
            let empty: Bool
            let emptyText: String

            init(caption: String, columns: [String], rows: [Row], emptyText: String) {
                self.caption = caption
                self.columns = columns
                self.rows = rows
                self.empty = rows.isEmpty
                self.emptyText = emptyText
            }
        }

        let tabs: [Tab]
        let newHref: String
        let newLabel: String
        let canWrite: Bool
        let due: [Due]
        let hasDue: Bool
        let table: Table
        let next: String?
    }

    private typealias Cell = ReproductionPage.Table.Cell
    private typealias Row = ReproductionPage.Table.Row

    private func opuTable(after: KeysetPosition?) async throws -> (ReproductionPage.Table, KeysetPosition?) {
        let page = try await stores.lab.opuSessions(donor: nil, after: after, limit: 50)
        let names = try await database.read { try Breeding.animalNames($0, page.items.map(\.donorId)) }
        let table = ReproductionPage.Table(
            caption: "OPU sessions, the latest session day first",
            columns: ["Date", "Donor", "Operator", "Follicles", "Oocytes", "I / II / III / IV / deg.", "Recovery"],
            rows: page.items.map { opu in
                Row([
                    Cell(opu.performedOn),
                    Cell(names[opu.donorId] ?? "#\(opu.donorId)", href: "/reproduction/animals/\(opu.donorId)"),
                    Cell(opu.operator), Cell(String(opu.follicles)), Cell(String(opu.oocytes)),
                    Cell("\(opu.grade1) / \(opu.grade2) / \(opu.grade3) / \(opu.grade4) / \(opu.degenerate)"),
                    Cell(opu.recovery.text),
                ])
            }, emptyText: "No OPU sessions yet. Record one with “New OPU session”.")
        return (table, page.next)
    }

    private func batchTable(after: KeysetPosition?) async throws -> (ReproductionPage.Table, KeysetPosition?) {
        let page = try await stores.lab.batches(after: after, limit: 50)
        let (names, reports) = try await database.read { db in
            (
                try Breeding.animalNames(db, page.items.flatMap { [$0.donorId, $0.sireId] }),
                try page.items.compactMap { try ReproductionStore.report(db, id: $0.id ?? 0) }
            )
        }
        let table = ReproductionPage.Table(
            caption: "IVF batches, the latest fertilisation day first",
            columns: [
                "Batch", "Fertilised", "Donor × sire", "Protocol", "Oocytes", "Cleavage", "Blastocysts", "Embryos",
            ],
            rows: reports.map { report in
                let batch = report.batch
                return Row([
                    Cell(batch.code, href: "/reproduction/batches/\(batch.id ?? 0)"), Cell(batch.fertilisedOn),
                    Cell("\(names[batch.donorId] ?? "?") × \(names[batch.sireId] ?? "?")"), Cell(batch.protocol),
                    Cell(String(report.inseminated)), Cell(report.cleavageRate?.text ?? "—"),
                    Cell(report.blastocystRate?.text ?? "—"), Cell(String(report.embryos.count)),
                ])
            }, emptyText: "No IVF batches yet. Start one from an OPU session with “New IVF batch”.")
        return (table, page.next)
    }

    private func transferTable(after: KeysetPosition?) async throws -> (ReproductionPage.Table, KeysetPosition?) {
        let page = try await stores.transfers.transfers(after: after, limit: 50)
        let (names, results) = try await database.read { db in
            (
                try Breeding.animalNames(db, page.items.map(\.recipientId)),
                try Dictionary(
                    uniqueKeysWithValues: page.items.map {
                        (
                            $0.id ?? 0,
                            try TransferStore.checks(db, transfer: $0.id ?? 0).last?.result.rawValue ?? "not checked"
                        )
                    })
            )
        }
        let table = ReproductionPage.Table(
            caption: "Transfers, the latest transfer day first",
            columns: ["Transfer", "Date", "Recipient", "Technician", "Diagnosis", "Outcome"],
            rows: page.items.map { transfer in
                Row([
                    Cell("#\(transfer.id ?? 0)", href: "/reproduction/transfers/\(transfer.id ?? 0)"),
                    Cell(transfer.transferredOn), Cell(names[transfer.recipientId] ?? "?"), Cell(transfer.technician),
                    Cell(results[transfer.id ?? 0] ?? ""),
                    Cell(transfer.outcome.rawValue.replacingOccurrences(of: "_", with: " ")),
                ])
            }, emptyText: "No transfers yet. Record one with “New transfer” once embryos are graded.")
        return (table, page.next)
    }

    private func semenTable(after: KeysetPosition?) async throws -> (ReproductionPage.Table, KeysetPosition?) {
        let page = try await stores.semen.collections(after: after, limit: 50)
        let names = try await database.read { try Breeding.animalNames($0, page.items.map(\.sireId)) }
        func percent(_ value: Int?) -> String { value.map { "\($0) %" } ?? "—" }
        let table = ReproductionPage.Table(
            caption: "Semen collections, the latest collection day first",
            columns: ["Collection", "Date", "Sire", "Volume", "Motility (prog.)", "Post-thaw", "Straws"],
            rows: page.items.map { collection in
                Row([
                    Cell("#\(collection.id ?? 0)", href: "/reproduction/semen/\(collection.id ?? 0)"),
                    Cell(collection.collectedOn), Cell(names[collection.sireId] ?? "?"),
                    Cell(collection.volumeMl.map { "\($0) mL" } ?? "—"),
                    Cell("\(percent(collection.totalMotility)) (\(percent(collection.progressiveMotility)))"),
                    Cell(percent(collection.postThawMotility)), Cell(String(collection.straws)),
                ])
            }, emptyText: "No semen collections yet. Record one with “New semen collection”.")
        return (table, page.next)
    }

    // MARK: Forms and the batch page

    private func opuForm(_ request: Request, _ context: AppRequestContext, form: OPUForm, error: APIError?)
        -> Response
    {
        var shown = form
        shown.operator = form.operator ?? context.principal?.displayName ?? ""
        return pages.page(
            "reproduction/opu-new", title: "New OPU session", section: "reproduction", request: request,
            context: context,
            model: OPUFormPage(form: shown, error: error?.message), status: error?.httpStatus ?? .ok)
    }

    /// `opu-new.mustache`.
    struct OPUFormPage: Encodable {
        let form: OPUForm
        let error: String?
    }

    private func batchForm(_ request: Request, _ context: AppRequestContext, form: BatchForm, error: APIError?)
        async throws -> Response
    {
        let (sessions, names) = try await database.read { db in
            let sessions = try ReproductionStore.openSessions(db)
            return (sessions, try Breeding.animalNames(db, sessions.map(\.session.donorId)))
        }
        let open = sessions.map { opu, left in
            BatchFormPage.OPU(
                id: opu.id ?? 0, donor: names[opu.donorId] ?? "?", date: opu.performedOn, left: left,
                value: form.oocytes.values["opu_\(opu.id ?? 0)"] ?? "")
        }
        var shown = form
        shown.technician = form.technician ?? context.principal?.displayName ?? ""
        return pages.page(
            "reproduction/batch-new", title: "New IVF batch", section: "reproduction", request: request,
            context: context,
            model: BatchFormPage(form: shown, opus: open, noOpus: open.isEmpty, error: error?.message),
            status: error?.httpStatus ?? .ok)
    }

    /// `batch-new.mustache`.
    struct BatchFormPage: Encodable {
        /// An OPU session with oocytes left, and how many the form takes from it.
        struct OPU: Encodable {
            let id: Int64
            let donor: String
            let date: String
            let left: Int
            let value: String
        }
        let form: BatchForm
        let opus: [OPU]
        let noOpus: Bool
        let error: String?
    }

    private func batch(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        guard let report = try await stores.lab.batch(id: id) else { throw APIError.notFound("No batch has id \(id).") }
        let batch = report.batch
        let (names, straws, semen, containers) = try await database.read { db in
            (
                try Breeding.animalNames(db, [batch.donorId, batch.sireId]),
                try Dictionary(
                    uniqueKeysWithValues: report.embryos.compactMap { embryo -> (Int64, String)? in
                        guard let sample = try EmbryoStore.straw(db, of: embryo) else { return nil }
                        let address = try sample.containerId.map {
                            try StorageStore.address(db, container: $0, position: sample.position)
                        }
                        return (embryo.id ?? 0, address ?? "\(sample.externalId), \(sample.status.rawValue)")
                    }),
                try ReproductionStore.semenStraw(db, of: batch)?.externalId,
                try StorageStore.containerChoices(db)
            )
        }
        let canWrite = context.principal?.can(.reproductionWrite) == true
        return pages.page(
            "reproduction/batch", title: "IVF batch \(batch.code)", section: "reproduction", request: request,
            context: context,
            model: BatchPage(
                facts: [
                    ("Donor", names[batch.donorId] ?? "?"), ("Sire", names[batch.sireId] ?? "?"),
                    ("Semen", semen ?? "—"), ("Fertilised (day 0)", batch.fertilisedOn),
                    ("Medium", batch.medium.isEmpty ? "—" : batch.medium),
                    ("Protocol", batch.protocol.isEmpty ? "—" : batch.protocol), ("Technician", batch.technician),
                ].map { ReproductionFact(label: $0.0, value: $0.1) },
                batchId: id, donorId: batch.donorId, sireId: batch.sireId,
                rates: [
                    ("Oocytes inseminated", String(report.inseminated)),
                    ("Cleaved (D2–3)", report.cleaved.map(String.init) ?? "—"),
                    ("Cleavage rate", report.cleavageRate?.text ?? "—"),
                    ("Blastocysts (D7–8)", report.blastocysts.map(String.init) ?? "—"),
                    ("Blastocyst rate (of oocytes)", report.blastocystRate?.text ?? "—"),
                    ("Blastocysts of cleaved", report.blastocystsPerCleaved?.text ?? "—"),
                ].map { ReproductionFact(label: $0.0, value: $0.1) },
                checks: report.checks.map { check in
                    BatchPage.Check(
                        day: check.day, checkedOn: check.checkedOn, cleaved: check.cleaved.map(String.init) ?? "—",
                        blastocysts: check.blastocysts.map(String.init) ?? "—", notes: check.notes,
                        by: check.checkedBy)
                },
                noChecks: report.checks.isEmpty,
                embryos: report.embryos.map { embryo in
                    BatchPage.Embryo(
                        id: embryo.id ?? 0, code: embryo.code, day: embryo.day, iets: embryo.iets,
                        stage: Embryo.stages[embryo.stage] ?? "", grade: Embryo.grades[embryo.grade] ?? "",
                        fate: embryo.fate.label, where: straws[embryo.id ?? 0],
                        inCulture: embryo.fate == .inCulture && canWrite,
                        freezable: embryo.grade <= stores.embryos.settings.freezableMaxGrade,
                        transferId: embryo.transferId)
                },
                noEmbryos: report.embryos.isEmpty, containers: containers.map(StrawContainerOption.init),
                canWrite: canWrite,
                days: (1...9).map {
                    Choice(
                        value: String($0), selected: $0 == (report.checks.last.map { $0.day < 7 ? 7 : 8 } ?? 2))
                }))
    }

    /// `batch.mustache`.
    struct BatchPage: Encodable {
        struct Check: Encodable {
            let day: Int
            let checkedOn: String
            let cleaved: String
            let blastocysts: String
            let notes: String
            let by: String
        }
        struct Embryo: Encodable {
            let id: Int64
            let code: String
            let day: Int
            let iets: String
            let stage: String
            let grade: String
            let fate: String
            /// The straw's storage address, or its label and status when it is not stored.
            let `where`: String?
            /// Whether it can be frozen or discarded from here.
            let inCulture: Bool
            let freezable: Bool
            let transferId: Int64?
        }
        let facts: [ReproductionFact]
        let batchId: Int64
        let donorId: Int64
        let sireId: Int64
        let rates: [ReproductionFact]
        let checks: [Check]
        let noChecks: Bool
        let embryos: [Embryo]
        let noEmbryos: Bool
        let containers: [StrawContainerOption]
        let canWrite: Bool
        let days: [Choice]
    }

    package init(stores: ReproductionStores, pages: PageRenderer) {
        self.stores = stores
        self.pages = pages
    }
}
