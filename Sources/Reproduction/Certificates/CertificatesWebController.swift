import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The certificate pages: the lists of embryo and health certificates (filtered by day, customer
/// and status; embryo certificates exported as CSV from the list), the issue forms, one
/// certificate as issued (the printable page, with its revocation), and the destinations.
package struct CertificatesWebController {
    package let store: CertificateStore
    package let pages: PageRenderer
    package static let pageSize = 50

    package func addRoutes(to routes: RouteTable) {
        routes.get("/certificates/embryos", .reproductionRead) { request, context in
            try await embryoList(request, context)
        }
        routes.get("/certificates/embryos/new", .reproductionWrite) { request, context in
            embryoForm(request, context, form: EmbryoForm(request), error: nil)
        }
        routes.post("/certificates/embryos", .reproductionWrite) { request, context in
            try await issueEmbryo(request, context)
        }
        routes.get("/certificates/embryos/{id}", .reproductionRead) { request, context in
            try await embryoCertificate(request, context)
        }
        routes.post("/certificates/embryos/{id}/revoke", .reproductionWrite) { request, context in
            try await revoke(request, context, path: "/certificates/embryos") {
                try await store.revokeEmbryoCertificate(id: $0, reason: $1, context: $2).number
            }
        }
        routes.get("/certificates/health", .reproductionRead) { request, context in
            try await healthList(request, context)
        }
        routes.get("/certificates/health/new", .reproductionWrite) { request, context in
            try await healthForm(request, context, form: HealthForm(request), error: nil)
        }
        routes.post("/certificates/health", .reproductionWrite) { request, context in
            try await issueHealth(request, context)
        }
        routes.get("/certificates/health/{id}", .reproductionRead) { request, context in
            try await healthCertificate(request, context)
        }
        routes.post("/certificates/health/{id}/revoke", .reproductionWrite) { request, context in
            try await revoke(request, context, path: "/certificates/health") {
                try await store.revokeHealthCertificate(id: $0, reason: $1, context: $2).number
            }
        }
        routes.get("/certificates/destinations", .reproductionRead) { request, context in
            try await destinations(request, context)
        }
        routes.post("/certificates/destinations", .certificateRules) { request, context in
            let form = try await request.decode(as: DestinationForm.self, context: context)
            return try await Flash.after(redirectTo: "/certificates/destinations") {
                let destination = try await store.createDestination(form.input(), context: context.eventContext)
                return "\(destination.name) was added."
            }
        }
        routes.post("/certificates/destinations/{id}", .certificateRules) { request, context in
            let form = try await request.decode(as: DestinationForm.self, context: context)
            let id = try context.id()
            return try await Flash.after(redirectTo: "/certificates/destinations") {
                let destination = try await store.updateDestination(
                    id: id, form.input(), context: context.eventContext)
                return "\(destination.name) was saved."
            }
        }
    }

    // MARK: Forms

    /// An embryo certificate's issue form: the straw (picked), how it was frozen, the cryoprotectant.
    struct EmbryoForm: Codable {
        var sampleId: String?
        var freezingMethod: String?
        var cryoprotectant: String?
        var notes: String?

        enum CodingKeys: String, CodingKey {
            case cryoprotectant, notes
            case sampleId = "sample_id"
            case freezingMethod = "freezing_method"
        }

        /// From a straw's page: `?sample_id=`.
        init(_ request: Request) {
            sampleId = ListQuery(request)["sample_id"]
        }

        func input() throws -> CertificateStore.EmbryoInput {
            .init(
                sampleId: try FormText.id(sampleId, field: "sample_id"), freezingMethod: FormText.text(freezingMethod),
                cryoprotectant: cryoprotectant, notes: notes)
        }
    }

    /// A health certificate's issue form: the animal (picked) and the destination.
    struct HealthForm: Codable {
        var animalId: String?
        var destinationId: String?
        var notes: String?

        enum CodingKeys: String, CodingKey {
            case notes
            case animalId = "animal_id"
            case destinationId = "destination_id"
        }

        /// From an animal's page: `?animal_id=`.
        init(_ request: Request) {
            animalId = ListQuery(request)["animal_id"]
        }

        func input() throws -> CertificateStore.HealthInput {
            .init(
                animalId: try FormText.id(animalId, field: "animal_id"),
                destinationId: try FormText.id(destinationId, field: "destination_id"), notes: notes)
        }
    }

    struct RevokeForm: Decodable {
        var reason: String?
    }

    /// A destination added or changed: its tests as codes separated by commas or spaces.
    struct DestinationForm: Decodable {
        var name: String?
        var tests: String?
        var validityDays: String?
        var notes: String?

        enum CodingKeys: String, CodingKey {
            case name, tests, notes
            case validityDays = "validity_days"
        }

        func input() throws -> CertificateStore.DestinationInput {
            .init(
                name: name,
                tests: tests.map { $0.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init) },
                validityDays: try FormText.int(validityDays, field: "validity_days"), notes: notes)
        }
    }

    // MARK: Pages

    private func embryoList(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let page = try await store.embryoCertificates(
            try CertificateStore.Filter(query), after: try query.cursor(), limit: Self.pageSize)
        return pages.page(
            "certificates/embryo-certificates", title: "Embryo certificates", section: "certificates",
            request: request, context: context,
            model: CertificateListPage(
                query, path: "/certificates/embryos", rows: page.items.map(CertificateListPage.Row.init),
                next: page.next, canWrite: context.principal?.can(.reproductionWrite) == true))
    }

    private func healthList(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let page = try await store.healthCertificates(
            try CertificateStore.Filter(query), after: try query.cursor(), limit: Self.pageSize)
        return pages.page(
            "certificates/health-certificates", title: "Health certificates", section: "certificates",
            request: request, context: context,
            model: CertificateListPage(
                query, path: "/certificates/health", rows: page.items.map(CertificateListPage.Row.init),
                next: page.next, canWrite: context.principal?.can(.reproductionWrite) == true))
    }

    private func embryoForm(_ request: Request, _ context: AppRequestContext, form: EmbryoForm, error: APIError?)
        -> Response
    {
        pages.page(
            "certificates/embryo-certificate-new", title: "Issue an embryo certificate", section: "certificates",
            request: request, context: context,
            model: EmbryoCertificateFormPage(
                form: form, error: error?.message, centre: store.centre, approvalNumber: store.approvalNumber,
                methods: EmbryoCertificate.FreezingMethod.allCases.map {
                    Choice(value: $0.rawValue, label: $0.label, selected: $0.rawValue == form.freezingMethod)
                }),
            status: error?.httpStatus ?? .ok)
    }

    private func issueEmbryo(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: EmbryoForm.self, context: context)
        do {
            let certificate = try await store.issue(try form.input(), context: context.eventContext)
            return Flash(kind: .success, message: "Embryo certificate \(certificate.number) was issued.")
                .redirect(to: "/certificates/embryos/\(certificate.id ?? 0)")
        } catch let error as APIError where error.status.code < 500 {
            return embryoForm(request, context, form: form, error: error)
        }
    }

    private func embryoCertificate(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let detail = try await store.embryoCertificate(id: try context.id())
        return pages.page(
            "certificates/embryo-certificate", title: "Embryo certificate \(detail.certificate.number)",
            section: "certificates", request: request, context: context,
            model: EmbryoCertificatePage(
                detail, time: pages.time, canRevoke: context.principal?.can(.reproductionWrite) == true))
    }

    private func healthForm(_ request: Request, _ context: AppRequestContext, form: HealthForm, error: APIError?)
        async throws -> Response
    {
        let destinations = try await store.destinations()
        return pages.page(
            "certificates/health-certificate-new", title: "Issue a health certificate", section: "certificates",
            request: request, context: context,
            model: HealthCertificateFormPage(
                form: form, error: error?.message,
                destinations: destinations.map {
                    Choice(
                        value: String($0.id ?? 0),
                        label: "\($0.name): \($0.testCodes.joined(separator: ", ")), \($0.validityDays) days",
                        selected: String($0.id ?? 0) == form.destinationId)
                }, noDestinations: destinations.isEmpty),
            status: error?.httpStatus ?? .ok)
    }

    private func issueHealth(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: HealthForm.self, context: context)
        do {
            let certificate = try await store.issueHealth(try form.input(), context: context.eventContext)
            return Flash(kind: .success, message: "Health certificate \(certificate.number) was issued.")
                .redirect(to: "/certificates/health/\(certificate.id ?? 0)")
        } catch let error as APIError where error.status.code < 500 {
            return try await healthForm(request, context, form: form, error: error)
        }
    }

    private func healthCertificate(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let detail = try await store.healthCertificate(id: try context.id())
        return pages.page(
            "certificates/health-certificate", title: "Health certificate \(detail.certificate.number)",
            section: "certificates", request: request, context: context,
            model: HealthCertificatePage(
                detail, lab: store.centre, time: pages.time,
                canRevoke: context.principal?.can(.reproductionWrite) == true))
    }

    /// Revokes an embryo or a health certificate (`revoke` returns its number) and shows it again
    /// under `path`, with a refusal (no reason given, already revoked) as the message.
    private func revoke(
        _ request: Request, _ context: AppRequestContext, path: String,
        _ revoke: (Int64, String?, EventContext) async throws -> String
    ) async throws -> Response {
        let form = try await request.decode(as: RevokeForm.self, context: context)
        let id = try context.id()
        return try await Flash.after(redirectTo: "\(path)/\(id)") {
            "\(try await revoke(id, form.reason, context.eventContext)) is revoked."
        }
    }

    private func destinations(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let destinations = try await store.destinations()
        return pages.page(
            "certificates/destinations", title: "Certificate destinations", section: "certificates",
            request: request, context: context,
            model: DestinationsPage(
                destinations: destinations.map(DestinationsPage.Row.init), empty: destinations.isEmpty,
                canEdit: context.principal?.can(.certificateRules) == true))
    }

    package init(store: CertificateStore, pages: PageRenderer) {
        self.store = store
        self.pages = pages
    }
}
