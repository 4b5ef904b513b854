import Attachments
import Biobank
import Collaboration
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
    package let pages: PageRenderer

    private var database: AppDatabase { results.database }

    /// The new-order form; the checkboxes `test_<code>` and `profile_<code>` choose what to run. It
    /// is encoded back into the page to show what was entered after an error.
    struct OrderForm: Codable {
        var customerId: String?
        var reference: String?
        var purchaseOrder: String?
        /// One barcode per line.
        var barcodes: String?
        var notes: String?
        var choices = FieldsByID()

        enum CodingKeys: String, CodingKey {
            case reference, barcodes, notes
            case customerId = "customer_id"
            case purchaseOrder = "purchase_order"
        }

        init() {}

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            customerId = try container.decodeIfPresent(String.self, forKey: .customerId)
            reference = try container.decodeIfPresent(String.self, forKey: .reference)
            purchaseOrder = try container.decodeIfPresent(String.self, forKey: .purchaseOrder)
            barcodes = try container.decodeIfPresent(String.self, forKey: .barcodes)
            notes = try container.decodeIfPresent(String.self, forKey: .notes)
            choices = try FieldsByID(from: decoder)
        }

        /// The codes of the checked boxes named `<prefix><code>`, sorted.
        func checked(prefix: String) -> [String] {
            choices.values.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }.sorted()
        }

        func isChecked(_ name: String) -> Bool { choices.values[name] != nil }
    }

    struct ResultForm: Decodable {
        var value: String?
        var instrumentId: String?
        var qcRunId: String?
        /// Why a result already entered is changed.
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case value, reason
            case instrumentId = "instrument_id"
            case qcRunId = "qc_run_id"
        }
    }

    /// The verifier's e-signature.
    struct VerifyForm: Decodable {
        var password: String?
        var code: String?
    }

    struct RejectForm: Decodable {
        var reason: String?
        /// Present when the result is rejected for good rather than sent back for a retest.
        var final: String?
    }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/results", .resultsRead) { request, context in try await worklist(request, context) }
        routes.get("/results/orders/new", .resultsWrite) { request, context in
            try await orderForm(request, context, form: OrderForm(), error: nil)
        }
        routes.post("/results/orders", .resultsWrite) { request, context in
            let form = try await request.decode(as: OrderForm.self, context: context)
            do {
                let barcodes = (FormText.text(form.barcodes) ?? "").split(whereSeparator: \.isNewline)
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                let ids = try await samples.ids(barcodes: barcodes)
                guard ids.count == barcodes.count else {
                    throw APIError.invalid(
                        "\(barcodes.count - ids.count) of the \(barcodes.count) barcodes match no sample.",
                        field: "barcodes")
                }
                let report = try await results.createOrder(
                    .init(
                        customerId: try FormText.id(form.customerId, field: "customer_id"), sampleIds: ids,
                        tests: form.checked(prefix: "test_"), profiles: form.checked(prefix: "profile_"),
                        reference: FormText.text(form.reference), purchaseOrder: FormText.text(form.purchaseOrder),
                        notes: FormText.text(form.notes)),
                    context: context.eventContext)
                return Flash(
                    kind: .success, message: "Order #\(report.order.id ?? 0): \(report.analyses.count) analyses."
                )
                .redirect(to: "/results/orders/\(report.order.id ?? 0)")
            } catch let error as APIError where error.status.code < 500 {
                return try await orderForm(request, context, form: form, error: error)
            }
        }
        routes.get("/results/orders/{id}", .resultsRead) { request, context in try await order(request, context) }
        routes.get("/results/orders/{id}/report", .resultsRead) { request, context in
            let report = try await results.report(id: try context.id())
            return pages.page(
                "results/result-report", title: "Result report, order #\(report.order.id ?? 0)", section: "results",
                request: request, context: context, model: results.mail.reportPage(report))
        }
        routes.post("/results/analyses/{id}/result", .resultsWrite) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: ResultForm.self, context: context)
            return try await acting(request, id) {
                let analysis = try await results.enter(
                    id: id,
                    .init(
                        value: try FormText.number(form.value, field: "value"),
                        instrumentId: try FormText.id(form.instrumentId, field: "instrument_id"),
                        qcRunId: try FormText.id(form.qcRunId, field: "qc_run_id"), reason: FormText.text(form.reason)),
                    by: context.principal?.userID, context: context.eventContext)
                return "Result \(analysis.value?.formatted() ?? "") \(analysis.unit) entered"
                    + (analysis.flag.isEmpty ? "." : " — \(analysis.flag.uppercased()), outside the reference range.")
            }
        }
        routes.post("/results/analyses/{id}/verify", .resultsWrite) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: VerifyForm.self, context: context)
            return try await acting(request, id) {
                let signer = try await SignatureRequest(
                    meaning: .verified, password: form.password ?? "", code: FormText.text(form.code)
                ).signer(identity: identity, context: context)
                let analysis = try await results.verify(id: id, signer: signer, context: context.eventContext)
                return analysis.state == .verified
                    ? "Result verified." : "Your verification is recorded; another person must verify too."
            }
        }
        routes.post("/results/analyses/{id}/reject", .resultsWrite) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: RejectForm.self, context: context)
            return try await acting(request, id) {
                let analysis = try await results.reject(
                    id: id, retest: FormText.text(form.final) == nil, reason: FormText.text(form.reason),
                    context: context.eventContext)
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
            "results/results", title: "Results", section: "results", request: request, context: context,
            model: ResultsPage(
                tabs: Self.worklistTabs.map {
                    ResultsPage.Tab(value: $0.0, label: $0.1, selected: $0.0 == name)
                },
                rows: shown.map(AnalysisLine.init), empty: shown.isEmpty,
                next: lines.count > 50 ? "tab=\(name)&after=\(shown.last?.id ?? 0)" : nil,
                canWrite: context.principal?.can(.resultsWrite) == true))
    }

    private func orderForm(_ request: Request, _ context: AppRequestContext, form: OrderForm, error: APIError?)
        async throws -> Response
    {
        let catalog = try await catalog.catalog()
        return pages.page(
            "results/order-new", title: "New lab order", section: "results", request: request, context: context,
            model: OrderFormPage(
                form: form, error: error?.message,
                tests: catalog.tests.map {
                    OrderFormPage.TestChoice(
                        code: $0.code, name: $0.name, kinds: $0.kinds.joined(separator: ", "),
                        checked: form.isChecked("test_\($0.code)"))
                },
                hasProfiles: !catalog.profiles.isEmpty,
                profiles: catalog.profiles.map {
                    OrderFormPage.ProfileChoice(
                        code: $0.code, name: $0.name, tests: $0.tests, checked: form.isChecked("profile_\($0.code)"))
                }), status: error?.httpStatus ?? .ok)
    }

    private func order(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let report = try await results.report(id: try context.id())
        let catalog = try await catalog.catalog()
        let canWrite = context.principal?.can(.resultsWrite) == true
        let deliveries = try await DeliveryStore(database: database).deliveries(order: report.order.id ?? 0).map {
            OrderPage.Delivery($0, time: pages.time, canRevoke: canWrite)
        }
        let user = context.principal?.userID
        let rows = report.analyses.map { line in
            let testID = catalog.tests.first { $0.code == line.testCode }?.id
            let materials = Set(catalog.materials.filter { $0.testId == testID }.compactMap(\.id))
            let actions = OrderPage.Actions(
                runs: catalog.runs.filter { materials.contains($0.materialId) }.map {
                    OrderPage.Actions.Run(
                        id: $0.id ?? 0,
                        label: "#\($0.id ?? 0) \(pages.time.text($0.runAt))"
                            + ($0.inControl ? "" : " — out of control"))
                },
                canEnter: canWrite && [.received, .inProgress, .retest, .toVerify, .verified].contains(line.state),
                needsReason: line.value != nil,
                canVerify: canWrite && line.state == .toVerify && line.enteredBy != user && user != nil,
                canReject: canWrite && [.received, .inProgress, .toVerify].contains(line.state))
            return AnalysisLine.With(line: AnalysisLine(line), extra: actions)
        }
        return pages.page(
            "results/order", title: "Order #\(report.order.id ?? 0) · \(report.customer)", section: "results",
            request: request,
            context: context,
            model: OrderPage(
                order: OrderPage.Order(
                    id: report.order.id ?? 0, customer: report.customer, customerId: report.order.customerId,
                    date: report.order.orderedOn,
                    reference: report.order.reference.isEmpty ? "—" : report.order.reference,
                    purchaseOrder: report.order.purchaseOrder.isEmpty ? "—" : report.order.purchaseOrder),
                rows: rows, instruments: catalog.instruments.filter { $0.isCalibrated() }.map(InstrumentChoice.init),
                complete: report.complete,
                deliveries: deliveries, hasDeliveries: !deliveries.isEmpty,
                attachments: try await AttachmentPanel.load(
                    LabOrder.attachable, id: report.order.id ?? 0, database: results.database,
                    principal: context.principal, time: pages.time),
                activity: try await RecordActivity.load(
                    LabOrder.attachable, id: report.order.id ?? 0, database: results.database,
                    principal: context.principal, time: pages.time)))
    }

    package init(
        catalog: CatalogStore, results: ResultStore, samples: SampleStore, identity: Identity, pages: PageRenderer
    ) {
        self.catalog = catalog
        self.results = results
        self.samples = samples
        self.identity = identity
        self.pages = pages
    }
}
