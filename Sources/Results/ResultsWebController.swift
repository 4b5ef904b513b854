import Biobank
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The lab pages: the worklist, orders with result entry and verification, and printable reports.
package struct ResultsWebController {
    package let catalog: CatalogStore
    package let results: ResultStore
    package let samples: SampleStore
    package let identity: Identity
    package let labName: String
    package let labAddress: String
    package let pages: PageRenderer

    private var database: AppDatabase { results.database }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/results", .resultsRead) { request, context in try await worklist(request, context) }
        routes.get("/results/orders/new", .resultsWrite) { request, context in
            try await orderForm(request, context, fields: FormFields(values: [:]), error: nil)
        }
        routes.post("/results/orders", .resultsWrite) { request, context in
            let form = try await FormFields.decode(request, context: context)
            do {
                let barcodes = (form["barcodes"] ?? "").split(whereSeparator: \.isNewline)
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                let ids = try await samples.ids(barcodes: barcodes)
                guard ids.count == barcodes.count else {
                    throw APIError.invalid(
                        "\(barcodes.count - ids.count) of the \(barcodes.count) barcodes match no sample.",
                        field: "barcodes")
                }
                let report = try await results.createOrder(
                    .init(
                        customerId: try form.id("customer_id"), sampleIds: ids,
                        tests: form.values.keys.filter { $0.hasPrefix("test_") }.map { String($0.dropFirst(5)) }
                            .sorted(),
                        profiles: form.values.keys.filter { $0.hasPrefix("profile_") }.map { String($0.dropFirst(8)) }
                            .sorted(),
                        reference: form["reference"], notes: form["notes"]),
                    context: context.eventContext)
                return Flash(
                    kind: .success, message: "Order #\(report.order.id ?? 0): \(report.analyses.count) analyses."
                )
                .redirect(to: "/results/orders/\(report.order.id ?? 0)")
            } catch let error as APIError where error.status.code < 500 {
                return try await orderForm(request, context, fields: form, error: error)
            }
        }
        routes.get("/results/orders/{id}", .resultsRead) { request, context in try await order(request, context) }
        routes.get("/results/orders/{id}/report", .resultsRead) { request, context in
            let report = try await results.report(id: try context.id())
            return pages.page(
                "result-report", title: "Result report, order #\(report.order.id ?? 0)", section: "results",
                request: request, context: context, values: reportValues(report))
        }
        routes.post("/results/analyses/{id}/result", .resultsWrite) { request, context in
            let id = try context.id()
            let form = try await FormFields.decode(request, context: context)
            return try await acting(request, id) {
                let analysis = try await results.enter(
                    id: id,
                    .init(
                        value: try form.number("value"), instrumentId: try form.id("instrument_id"),
                        qcRunId: try form.id("qc_run_id"), reason: form["reason"]),
                    by: context.principal?.userID, context: context.eventContext)
                return "Result \(analysis.value?.formatted() ?? "") \(analysis.unit) entered"
                    + (analysis.flag.isEmpty ? "." : " — \(analysis.flag.uppercased()), outside the reference range.")
            }
        }
        routes.post("/results/analyses/{id}/verify", .resultsWrite) { request, context in
            let id = try context.id()
            let form = try await FormFields.decode(request, context: context)
            return try await acting(request, id) {
                let signer = try await SignatureRequest(
                    meaning: .verified, password: form.values["password"] ?? "", code: form["code"]
                ).signer(identity: identity, context: context)
                let analysis = try await results.verify(id: id, signer: signer, context: context.eventContext)
                return analysis.state == .verified
                    ? "Result verified." : "Your verification is recorded; another person must verify too."
            }
        }
        routes.post("/results/analyses/{id}/reject", .resultsWrite) { request, context in
            let id = try context.id()
            let form = try await FormFields.decode(request, context: context)
            return try await acting(request, id) {
                let analysis = try await results.reject(
                    id: id, retest: form["final"] == nil, reason: form["reason"], context: context.eventContext)
                return "Result \(analysis.state.label)."
            }
        }
    }

    /// Runs an action on analysis `id` and returns to its order with what happened.
    private func acting(_ request: Request, _ id: Int64, _ action: () async throws -> String) async throws -> Response {
        let order = try await database.read { try ResultStore.analysis($0, id: id).orderId }
        return try await Flash.after(redirectTo: "/results/orders/\(order)#analysis-\(id)", action)
    }

    private static let worklistTabs: [(String, String, [Analysis.State])] = [
        ("verify", "To be verified", [.toVerify]),
        ("bench", "At the bench", [.received, .inProgress, .retest]),
        ("done", "Verified", [.verified]),
    ]

    private func worklist(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let name = try query.choice("tab", in: Self.worklistTabs.map(\.0)) ?? "verify"
        let states = Self.worklistTabs.first { $0.0 == name }?.2 ?? [.toVerify]
        let lines = try await results.worklist(states: states, after: try query.id("after"), limit: 51)
        let shown = Array(lines.prefix(50))
        return pages.page(
            "results", title: "Results", section: "results", request: request, context: context,
            values: [
                "tabs": Self.worklistTabs.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == name] },
                "rows": shown.map(lineValues), "empty": shown.isEmpty,
                "next": lines.count > 50 ? "tab=\(name)&after=\(shown.last?.id ?? 0)" : nil as String?,
                "can_write": context.principal?.can(.resultsWrite) == true,
            ])
    }

    private func lineValues(_ line: ResultStore.Line) -> [String: Any] {
        PageRenderer.present([
            "id": line.id, "order_id": line.orderId, "sample": line.sample, "sample_id": line.sampleId,
            "test": line.testCode, "test_name": line.testName, "state": line.state.rawValue,
            "state_label": line.state.label, "value": line.value.map { $0.formatted() } ?? "", "unit": line.unit,
            "range": line.range, "flag": line.flag, "entered_by": line.enteredByName ?? "",
            "verified_by": line.verifiedBy.joined(separator: ", "), "instrument": line.instrument ?? "",
            "qc_failed": line.qcInControl == false,
        ])
    }

    private func orderForm(_ request: Request, _ context: AppRequestContext, fields: FormFields, error: APIError?)
        async throws -> Response
    {
        let catalog = try await catalog.catalog()
        return pages.page(
            "order-new", title: "New lab order", section: "results", request: request, context: context,
            values: [
                "form": fields.values, "error": error?.message as Any,
                "tests": catalog.tests.map {
                    [
                        "code": $0.code, "name": $0.name, "kinds": $0.kinds.joined(separator: ", "),
                        "checked": fields.values["test_\($0.code)"] != nil,
                    ]
                },
                "has_profiles": !catalog.profiles.isEmpty,
                "profiles": catalog.profiles.map {
                    [
                        "code": $0.code, "name": $0.name, "tests": $0.tests,
                        "checked": fields.values["profile_\($0.code)"] != nil,
                    ]
                },
            ], status: error?.httpStatus ?? .ok)
    }

    private func order(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let report = try await results.report(id: try context.id())
        let catalog = try await catalog.catalog()
        let canWrite = context.principal?.can(.resultsWrite) == true
        let user = context.principal?.userID
        let instruments = catalog.instruments.filter { $0.isCalibrated() }.map { ["id": $0.id ?? 0, "name": $0.name] }
        let rows = report.analyses.map { line -> [String: Any] in
            var values = lineValues(line)
            let testID = catalog.tests.first { $0.code == line.testCode }?.id
            let materials = Set(catalog.materials.filter { $0.testId == testID }.compactMap(\.id))
            values["runs"] = catalog.runs.filter { materials.contains($0.materialId) }.map {
                [
                    "id": $0.id ?? 0,
                    "label": "#\($0.id ?? 0) \($0.runAt.formatted(date: .abbreviated, time: .shortened))"
                        + ($0.inControl ? "" : " — out of control"),
                ]
            }
            values["can_enter"] =
                canWrite && [.received, .inProgress, .retest, .toVerify, .verified].contains(line.state)
            values["needs_reason"] = line.value != nil
            values["can_verify"] = canWrite && line.state == .toVerify && line.enteredBy != user && user != nil
            values["can_reject"] = canWrite && [.received, .inProgress, .toVerify].contains(line.state)
            return values
        }
        return pages.page(
            "order", title: "Order #\(report.order.id ?? 0) · \(report.customer)", section: "results", request: request,
            context: context,
            values: [
                "order": [
                    "id": report.order.id ?? 0, "customer": report.customer, "customer_id": report.order.customerId,
                    "date": report.order.orderedOn,
                    "reference": report.order.reference.isEmpty ? "—" : report.order.reference,
                ],
                "rows": rows, "instruments": instruments, "complete": report.complete,
            ])
    }

    private func reportValues(_ report: ResultStore.OrderReport) -> [String: Any] {
        let bySample = Dictionary(grouping: report.analyses, by: \.sample)
        return [
            "lab": PageRenderer.present(["name": labName, "address": labAddress]),
            "order": PageRenderer.present([
                "id": report.order.id ?? 0, "customer": report.customer, "date": report.order.orderedOn,
                "reference": report.order.reference, "printed": Day.today,
            ]),
            "complete": report.complete,
            "samples": bySample.keys.sorted().map { sample in
                [
                    "sample": sample, "species": bySample[sample]?.first?.species ?? "",
                    "lines": (bySample[sample] ?? []).map { line -> [String: Any] in
                        var values = lineValues(line)
                        values["final"] = line.state == .verified
                        return values
                    },
                ]
            },
        ]
    }

    package init(
        catalog: CatalogStore, results: ResultStore, samples: SampleStore, identity: Identity, labName: String,
        labAddress: String, pages: PageRenderer
    ) {
        self.catalog = catalog
        self.results = results
        self.samples = samples
        self.identity = identity
        self.labName = labName
        self.labAddress = labAddress
        self.pages = pages
    }
}
