import Foundation
import Hummingbird
import LabBoxValues

/// API keys in the browser (own keys) and through the API (own keys; all keys with `admin`).
package struct APIKeysController {
    package let identity: Identity
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/account/keys", .account) { request, context in try await page(request, context) }
        routes.post("/account/keys", .account) { request, context in try await createFromForm(request, context) }
        routes.post("/account/keys/{id}/revoke", .account) { request, context in
            try await identity.apiKeys.revoke(
                id: try context.id(), by: context.principal,
                event: context.eventContext)
            return Flash(kind: .success, message: "The key was revoked.").redirect(to: "/account/keys")
        }
        routes.get("/api/v1/apikeys", .account, .listAPIKeys) { _, context in try await listJSON(context) }
        routes.post("/api/v1/apikeys", .account, .createAPIKey) { request, context in
            try await createJSON(request, context)
        }
        routes.delete("/api/v1/apikeys/{id}", .account, .revokeAPIKey) { _, context in
            try await identity.apiKeys.revoke(
                id: try context.id(), by: context.principal,
                event: context.eventContext)
            return Response(status: .noContent)
        }
    }

    package struct CreateRequest: Decodable {
        package let name: String
        package let scopes: [String]
        package let expiresAt: Date?

        package enum CodingKeys: String, CodingKey {
            case name, scopes
            case expiresAt = "expires_at"
        }
    }

    package struct CreatedResponse: ResponseEncodable {
        package let key: APIKey.Public
        /// Shown once; LabBox keeps only its hash.
        package let secret: String
    }

    package struct KeyList: ResponseEncodable {
        package let items: [APIKey.Public]
    }

    private func owner(_ context: AppRequestContext) async throws -> User? {
        guard let userID = context.principal?.userID else { return nil }
        return try await identity.users.user(id: userID)
    }

    private func listJSON(_ context: AppRequestContext) async throws -> KeyList {
        let scope: Int64? = context.principal?.can(.admin) == true ? nil : (context.principal?.userID ?? -1)
        return KeyList(items: try await identity.apiKeys.list(ownedBy: scope).map(\.publicView))
    }

    private func createJSON(_ request: Request, _ context: AppRequestContext) async throws -> EditedResponse<
        CreatedResponse
    > {
        let body = try await request.decode(as: CreateRequest.self, context: context)
        let created = try await identity.apiKeys.create(
            name: body.name, scopes: Set(body.scopes), owner: try await owner(context), expiresAt: body.expiresAt,
            by: context.principal, event: context.eventContext)
        return EditedResponse(
            status: .created, response: CreatedResponse(key: created.key.publicView, secret: created.secret))
    }

    package struct CreateForm: Decodable {
        package let name: String
        package let scopes: String
    }

    private func createFromForm(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: CreateForm.self, context: context)
        let scopes = Set(form.scopes.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init))
        do {
            let created = try await identity.apiKeys.create(
                name: form.name, scopes: scopes, owner: try await owner(context), expiresAt: nil,
                by: context.principal, event: context.eventContext)
            return try await page(request, context, created: created.secret)
        } catch let error as APIError where error.status.code < 500 {
            return try await page(request, context, error: error.message, status: error.httpStatus)
        }
    }

    private func page(
        _ request: Request, _ context: AppRequestContext, created: String? = nil, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let keys = try await identity.apiKeys.list(ownedBy: context.principal?.userID ?? -1).map { key in
            KeysPage.Row(
                id: key.id ?? 0, name: key.name, prefix: APIKey.keyPrefix + key.prefix,
                scopes: key.scopeSet.sorted().joined(separator: ", "), created: pages.time.text(key.createdAt),
                lastUsed: pages.time.text(key.lastUsedAt, absent: "never"), revoked: key.revokedAt != nil)
        }
        return pages.page(
            "keys", title: "My API keys", section: "account", request: request, context: context,
            model: KeysPage(keys: keys, empty: keys.isEmpty, created: created, error: error), status: status)
    }

    /// `keys.mustache`: `created` is the secret of a key just created.
    struct KeysPage: Encodable {
        struct Row: Encodable {
            let id: Int64
            let name: String
            let prefix: String
            let scopes: String
            let created: String
            let lastUsed: String
            let revoked: Bool
        }
        let keys: [Row]
        let empty: Bool
        let created: String?
        let error: String?
    }

    package init(identity: Identity, pages: PageRenderer) {
        self.identity = identity
        self.pages = pages
    }
}
