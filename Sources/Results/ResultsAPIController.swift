import Foundation
import Hummingbird
import LabBoxServer
import LabBoxValues

/// The lab API: catalog, instruments, QC, orders, result entry and verification.
package struct ResultsAPIController {
    package let catalog: CatalogStore
    package let results: ResultStore
    package let identity: Identity

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/lab-catalog", .resultsRead, .testCatalog) { _, context in
            var body = CatalogBody(catalog: try await catalog.catalog())
            body.catalog.showsPrices = context.principal?.can(.billingRead) == true
            return body
        }
        routes.post("/api/v1/lab-tests", .admin, .addTest) { request, context in
            let input = try await request.decode(as: CatalogStore.TestInput.self, context: context)
            return EditedResponse(
                status: .created, response: try await catalog.createTest(input, context: context.eventContext))
        }
        routes.post("/api/v1/lab-profiles", .admin, .addProfile) { request, context in
            let input = try await request.decode(as: CatalogStore.ProfileInput.self, context: context)
            let profile = try await catalog.createProfile(input, context: context.eventContext)
            return EditedResponse(status: .created, response: ItemList(items: [profile]))
        }
        routes.post("/api/v1/instruments", .admin, .addInstrument) { request, context in
            let input = try await request.decode(as: CatalogStore.InstrumentInput.self, context: context)
            return EditedResponse(
                status: .created, response: try await catalog.createInstrument(input, context: context.eventContext))
        }
        routes.patch("/api/v1/instruments/{id}", .admin, .recordCalibration) { request, context in
            let input = try await request.decode(as: CatalogStore.InstrumentInput.self, context: context)
            return try await catalog.recalibrate(
                id: try context.id(), input, context: context.eventContext)
        }
        routes.post("/api/v1/qc-materials", .admin, .addQCControlMaterial) { request, context in
            let input = try await request.decode(as: CatalogStore.MaterialInput.self, context: context)
            return EditedResponse(
                status: .created, response: try await catalog.createMaterial(input, context: context.eventContext))
        }
        routes.post("/api/v1/qc-runs", .resultsWrite, .recordQCRun) { request, context in
            let input = try await request.decode(as: CatalogStore.RunInput.self, context: context)
            return EditedResponse(
                status: .created, response: try await catalog.recordRun(input, context: context.eventContext))
        }
        routes.get("/api/v1/orders", .resultsRead, .listLabOrders) { request, _ in
            ItemList(items: try await results.orders(customer: try ListQuery(request).id("customer")))
        }
        routes.get("/api/v1/orders/lookup", .resultsRead, .findLabOrders) { request, _ in
            guard let words = try Lookup.words(ListQuery(request)) else { return ItemList<Lookup.Match>(items: []) }
            return try await results.lookupOrders(words)
        }
        routes.post("/api/v1/orders", .resultsWrite, .placeLabOrder) { request, context in
            let input = try await request.decode(as: ResultStore.OrderInput.self, context: context)
            return EditedResponse(
                status: .created, response: try await results.createOrder(input, context: context.eventContext))
        }
        routes.get("/api/v1/orders/{id}", .resultsRead, .orderWithItsResults) { _, context in
            try await results.report(id: try context.id())
        }
        routes.get("/api/v1/orders/{id}/results.csv", .resultsRead, .orderResultsAsCSV) { _, context in
            let id = try context.id()
            return Self.csv(try await results.report(id: id))
        }
        routes.get("/api/v1/analyses", .resultsRead, .worklist) { request, _ in
            let query = ListQuery(request)
            // Kept empty, so that `state=` or `a,,b` is refused rather than read as fewer states.
            let names = (query["state"] ?? "to_verify").split(separator: ",", omittingEmptySubsequences: false)
            let states = try names.map { name in
                guard let state = Analysis.State(rawValue: String(name)) else {
                    throw APIError.invalid(
                        "state must be one of \(Analysis.State.allCases.map(\.rawValue).joined(separator: ", ")).",
                        field: "state")
                }
                return state
            }
            return ItemList(
                items: try await results.worklist(
                    states: states, after: try query.id("after"), limit: try query.limit(default: 100, maximum: 500)))
        }
        routes.post("/api/v1/analyses/{id}/start", .resultsWrite, .startAnalysis) { _, context in
            try await results.start(
                id: try context.id(), context: context.eventContext)
        }
        routes.post("/api/v1/analyses/{id}/result", .resultsWrite, .enterOrChangeResult) { request, context in
            let input = try await request.decode(as: ResultStore.ResultInput.self, context: context)
            return try await results.enter(
                id: try context.id(), input, by: context.principal?.userID,
                context: context.eventContext)
        }
        routes.post("/api/v1/analyses/{id}/verify", .resultsWrite, .verifyResultESignature) { request, context in
            let body = try await request.decode(as: Credentials.self, context: context)
            let signer = try await SignatureRequest(meaning: .verified, password: body.password, code: body.code)
                .signer(identity: identity, context: context)
            return try await results.verify(
                id: try context.id(), signer: signer, context: context.eventContext)
        }
        routes.post("/api/v1/analyses/{id}/reject", .resultsWrite, .rejectResult) { request, context in
            let body = try await request.decode(as: Rejection.self, context: context)
            return try await results.reject(
                id: try context.id(), retest: body.retest ?? true,
                reason: body.reason, context: context.eventContext)
        }
    }

    package struct CatalogBody: Encodable, Sendable, ResponseEncodable { var catalog: CatalogStore.Catalog }

    /// The signer's password (and authenticator code) again, as every e-signature needs.
    package struct Credentials: Decodable, Sendable {
        package var password: String
        package var code: String?
    }

    package struct Rejection: Decodable, Sendable {
        package var reason: String?
        /// True (the default) sends the result back to be measured again; false rejects it for good.
        package var retest: Bool?
    }

    package static let csvColumns = [
        "sample", "species", "test", "name", "value", "unit", "low", "high", "flag", "state", "verified_by",
    ]

    package static func csv(_ report: ResultStore.OrderReport) -> Response {
        var text = CSVResponse.line(csvColumns)
        for line in report.analyses {
            text += CSVResponse.line([
                line.sample, line.species, line.testCode, line.testName, line.value.map { "\($0)" } ?? "", line.unit,
                line.low.map { "\($0)" } ?? "", line.high.map { "\($0)" } ?? "", line.flag, line.state.rawValue,
                line.verifiedBy.joined(separator: "; "),
            ])
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"order-\(report.order.id ?? 0)-results.csv\"",
            ], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    package init(catalog: CatalogStore, results: ResultStore, identity: Identity) {
        self.catalog = catalog
        self.results = results
        self.identity = identity
    }
}
