import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer

/// The JSON API of certificates: embryo certificates of frozen straws (the list is the registries'
/// JSON export, filtered by day and customer), export health certificates of donors and sires,
/// and the destinations those are issued for.
package struct CertificatesAPIController {
    package let store: CertificateStore

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/embryo-certificates", .reproductionRead, .listEmbryoCertificates) { request, _ in
            let query = ListQuery(request)
            let page = try await store.embryoCertificates(
                try CertificateStore.Filter(query), after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/embryo-certificates", .reproductionWrite, .issueEmbryoCertificate) { request, context in
            let input = try await request.decode(as: CertificateStore.EmbryoInput.self, context: context)
            let certificate = try await store.issue(input, context: context.eventContext)
            return EditedResponse(
                status: .created, response: try await store.embryoCertificate(id: certificate.id ?? 0))
        }
        routes.get("/api/v1/embryo-certificates/{id}", .reproductionRead, .oneEmbryoCertificate) { _, context in
            try await store.embryoCertificate(id: try context.id())
        }
        routes.post("/api/v1/embryo-certificates/{id}/revoke", .reproductionWrite, .revokeEmbryoCertificate) {
            request, context in
            let input = try await request.decode(as: Revocation.self, context: context)
            let certificate = try await store.revokeEmbryoCertificate(
                id: try context.id(), reason: input.reason, context: context.eventContext)
            return try await store.embryoCertificate(id: certificate.id ?? 0)
        }
        routes.get("/api/v1/health-certificates", .reproductionRead, .listHealthCertificates) { request, _ in
            let query = ListQuery(request)
            let page = try await store.healthCertificates(
                try CertificateStore.Filter(query), after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items, next: page.next)
        }
        routes.post("/api/v1/health-certificates", .reproductionWrite, .issueHealthCertificate) { request, context in
            let input = try await request.decode(as: CertificateStore.HealthInput.self, context: context)
            let certificate = try await store.issueHealth(input, context: context.eventContext)
            return EditedResponse(
                status: .created, response: try await store.healthCertificate(id: certificate.id ?? 0))
        }
        routes.get("/api/v1/health-certificates/{id}", .reproductionRead, .oneHealthCertificate) { _, context in
            try await store.healthCertificate(id: try context.id())
        }
        routes.post("/api/v1/health-certificates/{id}/revoke", .reproductionWrite, .revokeHealthCertificate) {
            request, context in
            let input = try await request.decode(as: Revocation.self, context: context)
            let certificate = try await store.revokeHealthCertificate(
                id: try context.id(), reason: input.reason, context: context.eventContext)
            return try await store.healthCertificate(id: certificate.id ?? 0)
        }
        routes.get("/api/v1/certificate-destinations", .reproductionRead, .listCertificateDestinations) { _, _ in
            ItemList(items: try await store.destinations())
        }
        routes.post("/api/v1/certificate-destinations", .certificateRules, .recordCertificateDestination) {
            request, context in
            let input = try await request.decode(as: CertificateStore.DestinationInput.self, context: context)
            return EditedResponse(
                status: .created, response: try await store.createDestination(input, context: context.eventContext))
        }
        routes.patch("/api/v1/certificate-destinations/{id}", .certificateRules, .changeCertificateDestination) {
            request, context in
            let input = try await request.decode(as: CertificateStore.DestinationInput.self, context: context)
            return try await store.updateDestination(id: try context.id(), input, context: context.eventContext)
        }
    }

    struct Revocation: Decodable {
        var reason: String?
    }

    package init(store: CertificateStore) {
        self.store = store
    }
}
