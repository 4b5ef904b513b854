import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxValues

/// User administration: the admin page and `/api/v1/users`.
package struct UsersController {
    package let identity: Identity
    package let pages: PageRenderer
    /// Sends a new account a welcome email; nil without `lab.public_url`, whose link it needs.
    package let welcome: AccountMail?

    package func addRoutes(to routes: RouteTable) {
        routes.get("/admin/users", .admin) { request, context in try await page(request, context) }
        routes.post("/admin/users", .admin) { request, context in try await createFromForm(request, context) }
        routes.get("/admin/users/{id}", .admin) { request, context in try await userPage(request, context) }
        routes.post("/admin/users/{id}", .admin) { request, context in try await updateFromForm(request, context) }
        routes.post("/admin/users/{id}/revoke-sessions", .admin) { _, context in
            try await revokeSessions(context)
            return Flash(kind: .success, message: "All sessions of the user were ended.").redirect(to: "/admin/users")
        }
        routes.get("/api/v1/users", .admin, .listUsers) { _, _ in
            UserList(items: try await identity.users.all().map(\.publicView))
        }
        routes.post("/api/v1/users", .admin, .createUser) { request, context in try await createJSON(request, context) }
        routes.patch("/api/v1/users/{id}", .admin, .changeUserRoleOrStatus) { request, context in
            try await updateJSON(request, context)
        }
        routes.post("/api/v1/users/{id}/revoke-sessions", .admin, .endAllSessionsOfUser) { _, context in
            try await revokeSessions(context)
            return Response(status: .noContent)
        }
    }

    package struct UserList: ResponseEncodable {
        package let items: [User.Public]
    }

    /// The same fields arrive as JSON from the API and as a form from the admin page.
    package struct CreateRequest: Decodable {
        package let email: String
        package let displayName: String
        package let role: Role
        package let password: String

        package enum CodingKeys: String, CodingKey {
            case email, role, password
            case displayName = "display_name"
        }
    }

    package struct UpdateRequest: Decodable {
        package let role: Role?
        package let status: User.Status?

        private enum CodingKeys: String, CodingKey { case role, status }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            role = try container.decodeUnlessAbsent(Role.self, forKey: .role)
            status = try container.decodeUnlessAbsent(User.Status.self, forKey: .status)
        }
    }

    private func createJSON(_ request: Request, _ context: AppRequestContext) async throws -> EditedResponse<
        User.Public
    > {
        let body = try await request.decode(as: CreateRequest.self, context: context)
        let user = try await identity.users.create(
            .init(email: body.email, displayName: body.displayName, role: body.role, password: body.password),
            by: context.principal, event: context.eventContext, welcome: welcome)
        return EditedResponse(status: .created, response: user.publicView)
    }

    private func updateJSON(_ request: Request, _ context: AppRequestContext) async throws -> User.Public {
        let body = try await request.decode(as: UpdateRequest.self, context: context)
        return try await update(context, role: body.role, status: body.status).publicView
    }

    private func update(_ context: AppRequestContext, role: Role?, status: User.Status?) async throws -> User {
        guard let actor = context.principal else { throw APIError.unauthorized("Sign in first.") }
        return try await identity.users.update(
            id: try context.id(), role: role, status: status, by: actor,
            event: context.eventContext)
    }

    private func revokeSessions(_ context: AppRequestContext) async throws {
        guard let actor = context.principal else { throw APIError.unauthorized("Sign in first.") }
        let id = try context.id()
        guard try await identity.users.user(id: id) != nil else { throw APIError.notFound("No such user.") }
        try await identity.sessions.revokeAll(userID: id, by: actor, event: context.eventContext)
    }

    private func createFromForm(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: CreateRequest.self, context: context)
        do {
            let user = try await identity.users.create(
                .init(email: form.email, displayName: form.displayName, role: form.role, password: form.password),
                by: context.principal, event: context.eventContext, welcome: welcome)
            return Flash(kind: .success, message: "\(user.displayName) can now sign in as \(user.email).")
                .redirect(to: "/admin/users")
        } catch let error as APIError where error.status.code < 500 {
            return try await page(request, context, error: error, form: form)
        }
    }

    private func updateFromForm(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: UpdateRequest.self, context: context)
        do {
            let user = try await update(context, role: form.role, status: form.status)
            return Flash(kind: .success, message: "\(user.displayName) is now \(user.role.label), \(user.status).")
                .redirect(to: "/admin/users")
        } catch let error as APIError where error.status.code < 500 {
            return try await page(request, context, error: error)
        }
    }

    /// One user's facts and History tab: every audited change and security event about them.
    private func userPage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        guard let (user, history) = try await identity.users.withHistory(id: id) else {
            throw APIError.notFound("No user has id \(id).")
        }
        let profile = UserPage.Profile(
            email: user.email, role: user.role.label, status: user.status.rawValue,
            totp: user.totpEnabled ? "on" : "off", created: pages.time.text(user.createdAt))
        return pages.page(
            "user", title: user.displayName, section: "users", request: request, context: context,
            model: UserPage(
                profile: profile, history: history.map { History.Row($0, time: pages.time) },
                hasHistory: !history.isEmpty))
    }

    /// `user.mustache`.
    struct UserPage: Encodable {
        struct Profile: Encodable {
            let email: String
            let role: String
            let status: String
            let totp: String
            let created: String
        }
        let profile: Profile
        let history: [History.Row]
        let hasHistory: Bool
    }

    private func page(
        _ request: Request, _ context: AppRequestContext, error: APIError? = nil, form: CreateRequest? = nil
    ) async throws -> Response {
        let users = try await identity.users.all().map { user in
            UsersPage.Row(
                id: user.id ?? 0, email: user.email, name: user.displayName,
                roles: Role.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == user.role) },
                active: user.status == .active, disabled: user.status == .disabled,
                lastLogin: pages.time.text(user.lastLoginAt, absent: "never"),
                isSelf: user.id == context.principal?.userID, totp: user.totpEnabled)
        }
        return pages.page(
            "users", title: "Users", section: "users", request: request, context: context,
            model: UsersPage(
                users: users, error: error?.message, formEmail: form?.email ?? "", formName: form?.displayName ?? "",
                // New users start as technicians: the common case, and not an administrator by accident.
                roles: Role.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == .technician) }),
            status: error?.httpStatus ?? .ok)
    }

    /// `users.mustache`.
    struct UsersPage: Encodable {
        struct Row: Encodable {
            let id: Int64
            let email: String
            let name: String
            let roles: [Choice]
            let active: Bool
            let disabled: Bool
            let lastLogin: String
            let isSelf: Bool
            let totp: Bool
        }
        let users: [Row]
        let error: String?
        let formEmail: String
        let formName: String
        let roles: [Choice]
    }

    package init(identity: Identity, pages: PageRenderer, welcome: AccountMail?) {
        self.identity = identity
        self.pages = pages
        self.welcome = welcome
    }
}
