import Biobank
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The reproduction pages: the overview with its lists, OPU entry, IVF batches with checks,
/// grading, freezing and discarding.
package struct ReproductionWebController {
    package let stores: ReproductionStores
    package let samples: SampleStore
    package let pages: PageRenderer

    private var database: AppDatabase { stores.lab.database }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/reproduction", .reproductionRead) { request, context in try await overview(request, context) }
        routes.get("/reproduction/opu/new", .reproductionWrite) { request, context in
            opuForm(request, context, fields: FormFields(values: ["performed_on": Day.today]), error: nil)
        }
        routes.post("/reproduction/opu", .reproductionWrite) { request, context in
            let form = try await FormFields.decode(request, context: context)
            do {
                let session = try await stores.lab.createOPU(
                    .init(
                        donorId: try form.id("donor_id"), performedOn: form["performed_on"],
                        operator: form["operator"], follicles: try form.int("follicles"),
                        oocytes: try form.int("oocytes"), grade1: try form.int("grade_1"),
                        grade2: try form.int("grade_2"), grade3: try form.int("grade_3"),
                        grade4: try form.int("grade_4"), degenerate: try form.int("degenerate"), notes: form["notes"]),
                    context: context.eventContext)
                return Flash(
                    kind: .success,
                    message: "OPU session saved: \(session.oocytes) oocytes from \(session.follicles) follicles "
                        + "(recovery \(session.recovery.text))."
                ).redirect(to: "/reproduction?tab=opu")
            } catch let error as APIError where error.status.code < 500 {
                return opuForm(request, context, fields: form, error: error)
            }
        }
        routes.get("/reproduction/batches/new", .reproductionWrite) { request, context in
            try await batchForm(request, context, fields: FormFields(values: ["fertilised_on": Day.today]), error: nil)
        }
        routes.post("/reproduction/batches", .reproductionWrite) { request, context in
            let form = try await FormFields.decode(request, context: context)
            do {
                let sources = try form.byID(prefix: "opu_").sorted { $0.key < $1.key }.compactMap {
                    id, text -> ReproductionStore.BatchInput.Oocytes? in
                    let count = text.trimmingCharacters(in: .whitespaces)
                    guard !count.isEmpty else { return nil }
                    guard let oocytes = Int(count) else {
                        throw APIError.invalid("Enter the oocytes of OPU \(id) as a number.", field: "opu_\(id)")
                    }
                    return oocytes == 0 ? nil : .init(opuId: id, oocytes: oocytes)
                }
                var semen: Int64?
                if let barcode = form["semen_barcode"] {
                    guard let id = try await samples.ids(barcodes: [barcode]).first else {
                        throw APIError.invalid("No sample has the barcode \(barcode).", field: "semen_barcode")
                    }
                    semen = id
                }
                let report = try await stores.lab.createBatch(
                    .init(
                        code: form["code"], sireId: try form.id("sire_id"), semenSampleId: semen,
                        fertilisedOn: form["fertilised_on"], medium: form["medium"], protocol: form["protocol"],
                        technician: form["technician"], notes: form["notes"], oocytesFrom: sources),
                    context: context.eventContext)
                return Flash(
                    kind: .success, message: "Batch \(report.batch.code) started with \(report.inseminated) oocytes."
                )
                .redirect(to: "/reproduction/batches/\(report.batch.id ?? 0)")
            } catch let error as APIError where error.status.code < 500 {
                return try await batchForm(request, context, fields: form, error: error)
            }
        }
        routes.get("/reproduction/batches/{id}", .reproductionRead) { request, context in
            try await batch(request, context, error: nil)
        }
        routes.post("/reproduction/batches/{id}/checks", .reproductionWrite) { request, context in
            let id = try context.id()
            let form = try await FormFields.decode(request, context: context)
            return try await acting(request, context) {
                let report = try await stores.lab.addCheck(
                    batch: id,
                    .init(
                        day: try form.int("day"), checkedOn: form["checked_on"], cleaved: try form.int("cleaved"),
                        blastocysts: try form.int("blastocysts"), notes: form["notes"]),
                    context: context.eventContext)
                return "Day \(form["day"] ?? "") recorded: cleavage \(report.cleavageRate?.text ?? "—"), "
                    + "blastocysts \(report.blastocystRate?.text ?? "—")."
            }
        }
        routes.post("/reproduction/batches/{id}/embryos", .reproductionWrite) { request, context in
            let id = try context.id()
            let form = try await FormFields.decode(request, context: context)
            return try await acting(request, context) {
                let graded = try await stores.embryos.grade(
                    batch: id, .init(day: try form.int("day"), embryos: try Self.codes(form["codes"])),
                    context: context.eventContext)
                return "\(graded.count) embryos graded: \(graded.map(\.iets).joined(separator: ", "))."
            }
        }
        routes.post("/reproduction/embryos/{id}/freeze", .reproductionWrite) { request, context in
            let id = try context.id()
            let form = try await FormFields.decode(request, context: context)
            return try await acting(request, context) {
                let (embryo, straw) = try await stores.embryos.freeze(
                    id: id, .init(containerId: try form.id("container_id"), method: form["method"]),
                    context: context.eventContext)
                let address = try await database.read {
                    try StorageStore.address($0, container: straw.containerId ?? 0, position: straw.position)
                }
                return "\(embryo.code) (\(embryo.iets)) frozen into straw \(straw.externalId) at \(address)."
            }
        }
        routes.post("/reproduction/embryos/{id}/discard", .reproductionWrite) { request, context in
            let id = try context.id()
            let form = try await FormFields.decode(request, context: context)
            return try await acting(request, context) {
                let embryo = try await stores.embryos.discard(
                    id: id, reason: form["reason"], context: context.eventContext)
                return "\(embryo.code) discarded."
            }
        }
    }

    /// Runs an action posted from the batch page and returns to it with what happened, or with
    /// the error shown above the forms.
    private func acting(_ request: Request, _ context: AppRequestContext, _ action: () async throws -> String)
        async throws -> Response
    {
        try await Flash.after(
            redirectTo: request.headers[.referer].flatMap { URL(string: $0)?.path } ?? "/reproduction", action)
    }

    /// "7-1 7-1 6-2" (IETS stage-grade, separated by spaces or commas) as gradings.
    package static func codes(_ text: String?) throws -> [EmbryoStore.Grade] {
        let parts = (text ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\r" })
        return try parts.map { part in
            let numbers = part.split(separator: "-").compactMap { Int($0) }
            guard numbers.count == 2 else {
                throw APIError.invalid(
                    "Write each embryo as stage-grade, e.g. 7-1; \"\(part)\" is not.", field: "codes")
            }
            return EmbryoStore.Grade(stage: numbers[0], grade: numbers[1])
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
        let table: Table
        switch tab {
        case .opu: table = try await opuTable(after: after)
        case .batches: table = try await batchTable(after: after)
        case .transfers: table = try await transferTable(after: after)
        case .semen: table = try await semenTable(after: after)
        }
        let due = try await stores.transfers.due(ahead: 7).map { due -> [String: Any] in
            [
                "id": due.transferId, "recipient": due.recipient, "transferred_on": due.transferredOn,
                "due_on": due.dueOn, "overdue": due.dueOn < Day.today,
            ]
        }
        return pages.page(
            "reproduction", title: "Reproduction", section: "reproduction", request: request, context: context,
            values: [
                "tabs": Tab.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": $0 == tab] },
                "new_href": tab.new.href, "new_label": tab.new.label,
                "can_write": context.principal?.can(.reproductionWrite) == true,
                "due": due, "has_due": !due.isEmpty,
                "table": table.values,
                "next": table.next.map { "tab=\(tab.rawValue)&cursor=\(Cursor.encode($0))" } as Any,
            ])
    }

    /// A list as the overview shows it: headers, rows of cells (text, optional link), next page.
    package struct Table {
        package var caption: String
        package var columns: [String]
        package var rows: [[(text: String, href: String?)]]
        package var next: KeysetPosition?
        package var empty: String

        package var values: [String: Any] {
            [
                "caption": caption, "columns": columns, "empty": rows.isEmpty, "empty_text": empty,
                "rows": rows.map { cells in
                    [
                        "cells": cells.map { cell -> [String: Any] in
                            cell.href.map { ["text": cell.text, "href": $0] } ?? ["text": cell.text]
                        }
                    ]
                },
            ]
        }
    }

    package static func names(_ db: Database, _ ids: some Sequence<Int64>) throws -> [Int64: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        let rows = try Row.fetchAll(
            db, sql: "SELECT id, name FROM animals WHERE id IN (\(unique.map { _ in "?" }.joined(separator: ",")))",
            arguments: StatementArguments(unique))
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["id"], $0["name"]) })
    }

    private func opuTable(after: KeysetPosition?) async throws -> Table {
        let page = try await stores.lab.opuSessions(donor: nil, after: after, limit: 50)
        let names = try await database.read { try Self.names($0, page.items.map(\.donorId)) }
        return Table(
            caption: "OPU sessions, newest first",
            columns: ["Date", "Donor", "Operator", "Follicles", "Oocytes", "I / II / III / IV / deg.", "Recovery"],
            rows: page.items.map { opu in
                [
                    (opu.performedOn, nil),
                    (names[opu.donorId] ?? "#\(opu.donorId)", "/reproduction/animals/\(opu.donorId)"),
                    (opu.operator, nil), (String(opu.follicles), nil), (String(opu.oocytes), nil),
                    ("\(opu.grade1) / \(opu.grade2) / \(opu.grade3) / \(opu.grade4) / \(opu.degenerate)", nil),
                    (opu.recovery.text, nil),
                ]
            }, next: page.next, empty: "No OPU sessions yet.")
    }

    private func batchTable(after: KeysetPosition?) async throws -> Table {
        let page = try await stores.lab.batches(after: after, limit: 50)
        let (names, reports) = try await database.read { db in
            (
                try Self.names(db, page.items.flatMap { [$0.donorId, $0.sireId] }),
                try page.items.compactMap { try ReproductionStore.report(db, id: $0.id ?? 0) }
            )
        }
        return Table(
            caption: "IVF batches, newest first",
            columns: [
                "Batch", "Fertilised", "Donor × sire", "Protocol", "Oocytes", "Cleavage", "Blastocysts", "Embryos",
            ],
            rows: reports.map { report in
                let batch = report.batch
                return [
                    (batch.code, "/reproduction/batches/\(batch.id ?? 0)"), (batch.fertilisedOn, nil),
                    ("\(names[batch.donorId] ?? "?") × \(names[batch.sireId] ?? "?")", nil), (batch.protocol, nil),
                    (String(report.inseminated), nil), (report.cleavageRate?.text ?? "—", nil),
                    (report.blastocystRate?.text ?? "—", nil), (String(report.embryos.count), nil),
                ]
            }, next: page.next, empty: "No IVF batches yet.")
    }

    private func transferTable(after: KeysetPosition?) async throws -> Table {
        let page = try await stores.transfers.transfers(after: after, limit: 50)
        let (names, results) = try await database.read { db in
            (
                try Self.names(db, page.items.map(\.recipientId)),
                try Dictionary(
                    uniqueKeysWithValues: page.items.map {
                        (
                            $0.id ?? 0,
                            try TransferStore.checks(db, transfer: $0.id ?? 0).last?.result.rawValue ?? "not checked"
                        )
                    })
            )
        }
        return Table(
            caption: "Transfers, newest first",
            columns: ["Transfer", "Date", "Recipient", "Technician", "Diagnosis", "Outcome"],
            rows: page.items.map { transfer in
                [
                    ("#\(transfer.id ?? 0)", "/reproduction/transfers/\(transfer.id ?? 0)"),
                    (transfer.transferredOn, nil),
                    (names[transfer.recipientId] ?? "?", nil), (transfer.technician, nil),
                    (results[transfer.id ?? 0] ?? "", nil),
                    (transfer.outcome.rawValue.replacingOccurrences(of: "_", with: " "), nil),
                ]
            }, next: page.next, empty: "No transfers yet.")
    }

    private func semenTable(after: KeysetPosition?) async throws -> Table {
        let page = try await stores.semen.collections(after: after, limit: 50)
        let names = try await database.read { try Self.names($0, page.items.map(\.sireId)) }
        func percent(_ value: Int?) -> String { value.map { "\($0) %" } ?? "—" }
        return Table(
            caption: "Semen collections, newest first",
            columns: ["Collection", "Date", "Sire", "Volume", "Motility (prog.)", "Post-thaw", "Straws"],
            rows: page.items.map { collection in
                [
                    ("#\(collection.id ?? 0)", "/reproduction/semen/\(collection.id ?? 0)"),
                    (collection.collectedOn, nil),
                    (names[collection.sireId] ?? "?", nil), (collection.volumeMl.map { "\($0) mL" } ?? "—", nil),
                    ("\(percent(collection.totalMotility)) (\(percent(collection.progressiveMotility)))", nil),
                    (percent(collection.postThawMotility), nil), (String(collection.straws), nil),
                ]
            }, next: page.next, empty: "No semen collections yet.")
    }

    // MARK: Forms and the batch page

    private func opuForm(_ request: Request, _ context: AppRequestContext, fields: FormFields, error: APIError?)
        -> Response
    {
        var form = fields.values
        form["operator"] = form["operator"] ?? context.principal?.displayName ?? ""
        return pages.page(
            "opu-new", title: "New OPU session", section: "reproduction", request: request, context: context,
            values: ["form": form, "error": error?.message as Any, "error_field": error?.field ?? ""],
            status: error?.httpStatus ?? .ok)
    }

    private func batchForm(_ request: Request, _ context: AppRequestContext, fields: FormFields, error: APIError?)
        async throws -> Response
    {
        let (sessions, names) = try await database.read { db in
            let sessions = try OPUSession.order(OPUSession.CodingKeys.id.desc).limit(200).fetchAll(db)
                .map { ($0, try ReproductionStore.available(db, opu: $0)) }.filter { $0.1 > 0 }
            return (sessions, try Self.names(db, sessions.map(\.0.donorId)))
        }
        let open = sessions.map { opu, left -> [String: Any] in
            [
                "id": opu.id ?? 0, "donor": names[opu.donorId] ?? "?", "date": opu.performedOn, "left": left,
                "value": fields.values["opu_\(opu.id ?? 0)"] ?? "",
            ]
        }
        var form = fields.values
        form["technician"] = form["technician"] ?? context.principal?.displayName ?? ""
        return pages.page(
            "batch-new", title: "New IVF batch", section: "reproduction", request: request, context: context,
            values: ["form": form, "opus": open, "no_opus": open.isEmpty, "error": error?.message as Any],
            status: error?.httpStatus ?? .ok)
    }

    private func batch(_ request: Request, _ context: AppRequestContext, error: APIError?) async throws -> Response {
        let id = try context.id()
        guard let report = try await stores.lab.batch(id: id) else { throw APIError.notFound("No batch has id \(id).") }
        let batch = report.batch
        let (names, straws, semen, containers) = try await database.read { db in
            (
                try Self.names(db, [batch.donorId, batch.sireId]),
                try Dictionary(
                    uniqueKeysWithValues: report.embryos.compactMap { embryo -> (Int64, String)? in
                        guard let sample = try embryo.sampleId.flatMap({ try Sample.fetchOne(db, key: $0) }) else {
                            return nil
                        }
                        let address = try sample.containerId.map {
                            try StorageStore.address(db, container: $0, position: sample.position)
                        }
                        return (embryo.id ?? 0, address ?? "\(sample.externalId), \(sample.status.rawValue)")
                    }),
                try batch.semenSampleId.flatMap { try Sample.fetchOne(db, key: $0)?.externalId },
                try StorageStore.containerChoices(db)
            )
        }
        let canWrite = context.principal?.can(.reproductionWrite) == true
        return pages.page(
            "batch", title: "IVF batch \(batch.code)", section: "reproduction", request: request, context: context,
            values: [
                "facts": [
                    ("Donor", names[batch.donorId] ?? "?"), ("Sire", names[batch.sireId] ?? "?"),
                    ("Semen", semen ?? "—"), ("Fertilised (day 0)", batch.fertilisedOn),
                    ("Medium", batch.medium.isEmpty ? "—" : batch.medium),
                    ("Protocol", batch.protocol.isEmpty ? "—" : batch.protocol), ("Technician", batch.technician),
                ].map { ["label": $0.0, "value": $0.1] },
                "batch_id": id, "donor_id": batch.donorId, "sire_id": batch.sireId,
                "rates": [
                    ("Oocytes inseminated", String(report.inseminated)),
                    ("Cleaved (D2–3)", report.cleaved.map(String.init) ?? "—"),
                    ("Cleavage rate", report.cleavageRate?.text ?? "—"),
                    ("Blastocysts (D7–8)", report.blastocysts.map(String.init) ?? "—"),
                    ("Blastocyst rate (of oocytes)", report.blastocystRate?.text ?? "—"),
                    ("Blastocysts of cleaved", report.blastocystsPerCleaved?.text ?? "—"),
                ].map { ["label": $0.0, "value": $0.1] },
                "checks": report.checks.map { check -> [String: Any] in
                    [
                        "day": check.day, "checked_on": check.checkedOn,
                        "cleaved": check.cleaved.map(String.init) ?? "—",
                        "blastocysts": check.blastocysts.map(String.init) ?? "—", "notes": check.notes,
                        "by": check.checkedBy,
                    ]
                },
                "no_checks": report.checks.isEmpty,
                "embryos": report.embryos.map { embryo -> [String: Any] in
                    PageRenderer.present([
                        "id": embryo.id ?? 0, "code": embryo.code, "day": embryo.day, "iets": embryo.iets,
                        "stage": Embryo.stages[embryo.stage] ?? "", "grade": Embryo.grades[embryo.grade] ?? "",
                        "fate": embryo.fate.label, "where": straws[embryo.id ?? 0] ?? "",
                        "in_culture": embryo.fate == .inCulture && canWrite,
                        "freezable": embryo.grade <= stores.embryos.settings.freezableMaxGrade,
                        "transfer_id": embryo.transferId.map { "\($0)" } ?? "",
                    ])
                },
                "no_embryos": report.embryos.isEmpty, "containers": containers.map(\.values), "can_write": canWrite,
                "days": (1...9).map {
                    ["value": $0, "selected": $0 == (report.checks.last.map { $0.day < 7 ? 7 : 8 } ?? 2)]
                },
                "error": error?.message as Any,
            ], status: error?.httpStatus ?? .ok)
    }

    package init(stores: ReproductionStores, samples: SampleStore, pages: PageRenderer) {
        self.stores = stores
        self.samples = samples
        self.pages = pages
    }
}
