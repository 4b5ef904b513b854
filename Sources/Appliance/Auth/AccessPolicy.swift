/// Every route's required permission, in one table. ``AuthorizationMiddleware`` enforces it, and
/// a test fails when a registered route is missing here, so no route is reachable by accident.
enum AccessPolicy {
    static let routes: [String: Permission] = [
        // Operations and static files.
        "GET /healthz": .anonymous,
        "GET /readyz": .anonymous,
        "GET /metrics": .anonymous,  // guarded by its own token or loopback rule, see HealthController
        "GET /static/**": .anonymous,
        "GET /api/v1/openapi.json": .anonymous,
        "GET /docs": .signedIn,
        "GET /": .signedIn,

        // Signing in.
        "GET /login": .anonymous,
        "POST /login": .anonymous,
        "POST /login/2fa": .anonymous,
        "POST /logout": .signedIn,
        "GET /setup": .anonymous,
        "POST /setup": .anonymous,
        "GET /reset": .anonymous,
        "POST /reset": .anonymous,
        "POST /api/v1/auth/token": .anonymous,
        "POST /api/v1/auth/refresh": .anonymous,
        "GET /api/v1/auth/me": .signedIn,

        // Own account.
        "GET /account/sessions": .signedIn,
        "POST /account/sessions/{id}/revoke": .signedIn,
        "GET /account/2fa": .signedIn,
        "POST /account/2fa/enable": .signedIn,
        "POST /account/2fa/disable": .signedIn,
        "GET /account/password": .signedIn,
        "POST /account/password": .signedIn,
        "GET /account/keys": .signedIn,
        "POST /account/keys": .signedIn,
        "POST /account/keys/{id}/revoke": .signedIn,

        // Administration.
        "GET /admin/users": .admin,
        "POST /admin/users": .admin,
        "GET /admin/users/{id}": .admin,
        "POST /admin/users/{id}": .admin,
        "POST /admin/users/{id}/revoke-sessions": .admin,
        "POST /admin/users/{id}/reset-link": .admin,
        "POST /admin/users/{id}/reset-2fa": .admin,
        "POST /api/v1/users/{id}/reset-link": .admin,
        "GET /api/v1/users": .admin,
        "POST /api/v1/users": .admin,
        "PATCH /api/v1/users/{id}": .admin,
        "POST /api/v1/users/{id}/revoke-sessions": .admin,
        "GET /api/v1/apikeys": .signedIn,
        "POST /api/v1/apikeys": .signedIn,
        "DELETE /api/v1/apikeys/{id}": .signedIn,

        // Samples.
        "GET /samples": .samplesRead,
        "GET /samples/new": .samplesWrite,
        "POST /samples": .samplesWrite,
        "GET /samples/{id}": .samplesRead,
        "POST /samples/{id}": .samplesWrite,
        "POST /samples/{id}/sign": .samplesWrite,
        "GET /api/v1/samples": .samplesRead,
        "POST /api/v1/samples": .samplesWrite,
        "GET /api/v1/samples/{id}": .samplesRead,
        "PATCH /api/v1/samples/{id}": .samplesWrite,
        "POST /api/v1/samples/bulk": .samplesWrite,
        "POST /samples/bulk": .samplesWrite,
        "POST /samples/bulk-move": .storageWrite,
        "GET /api/v1/samples/{id}/history": .samplesRead,
        "GET /api/v1/samples/{id}/lineage": .samplesRead,
        "GET /api/v1/samples/export": .samplesRead,
        "GET /api/v1/samples/import/template": .samplesWrite,
        "POST /api/v1/samples/import/check": .samplesWrite,
        "POST /api/v1/samples/import": .samplesWrite,
        "GET /samples/import": .samplesWrite,
        "GET /samples/labels": .samplesRead,
        "GET /api/v1/samples/labels.zpl": .samplesRead,
        "GET /storage/{id}/labels": .storageRead,
        "GET /storage/inventory": .storageRead,
        "GET /api/v1/storage/inventory": .storageRead,
        "GET /api/v1/samples/{id}/signatures": .samplesRead,
        "POST /api/v1/samples/{id}/signatures": .samplesWrite,

        // Customers.
        "GET /customers": .customersRead,
        "GET /customers/new": .customersWrite,
        "POST /customers": .customersWrite,
        "GET /customers/{id}": .customersRead,
        "POST /customers/{id}": .customersWrite,
        "POST /customers/{id}/delete": .customersWrite,
        "POST /customers/{id}/restore": .admin,
        "GET /api/v1/customers": .customersRead,
        "POST /api/v1/customers": .customersWrite,
        "GET /api/v1/customers/{id}": .customersRead,
        "PATCH /api/v1/customers/{id}": .customersWrite,
        "DELETE /api/v1/customers/{id}": .customersWrite,
        "POST /api/v1/customers/{id}/restore": .admin,
        "GET /api/v1/customers/{id}/history": .customersRead,
        "GET /api/v1/customers/export": .customersRead,
        "GET /api/v1/customers/import/template": .customersWrite,
        "POST /api/v1/customers/import/check": .customersWrite,
        "POST /api/v1/customers/import": .customersWrite,
        "GET /customers/import": .customersWrite,

        // Animals.
        "GET /animals": .animalsRead,
        "GET /animals/new": .animalsWrite,
        "POST /animals": .animalsWrite,
        "GET /animals/{id}": .animalsRead,
        "POST /animals/{id}": .animalsWrite,
        "POST /animals/{id}/delete": .animalsWrite,
        "POST /animals/{id}/restore": .admin,
        "GET /api/v1/animals": .animalsRead,
        "POST /api/v1/animals": .animalsWrite,
        "GET /api/v1/animals/{id}": .animalsRead,
        "PATCH /api/v1/animals/{id}": .animalsWrite,
        "DELETE /api/v1/animals/{id}": .animalsWrite,
        "POST /api/v1/animals/{id}/restore": .admin,
        "GET /api/v1/animals/{id}/history": .animalsRead,
        "GET /api/v1/animals/{id}/pedigree": .animalsRead,
        "GET /api/v1/animals/export": .animalsRead,
        "POST /api/v1/animals/bulk": .animalsWrite,
        "POST /animals/bulk": .animalsWrite,
        "GET /api/v1/animals/import/template": .animalsWrite,
        "POST /api/v1/animals/import/check": .animalsWrite,
        "POST /api/v1/animals/import": .animalsWrite,
        "GET /animals/import": .animalsWrite,

        // Storage. Admins define the containers; lab staff move items and log fills.
        "GET /storage": .storageRead,
        "GET /storage/{id}": .storageRead,
        "POST /storage/containers": .admin,
        "POST /storage/{id}/fills": .storageWrite,
        "POST /storage/{id}/check-in": .storageWrite,
        "GET /api/v1/storage/containers": .storageRead,
        "POST /api/v1/storage/containers": .admin,
        "GET /api/v1/storage/containers/{id}": .storageRead,
        "GET /api/v1/storage/containers/{id}/map": .storageRead,
        "GET /api/v1/storage/containers/{id}/free": .storageRead,
        "GET /api/v1/storage/containers/{id}/fills": .storageRead,
        "POST /api/v1/storage/containers/{id}/fills": .storageWrite,
        "POST /api/v1/storage/check-in": .storageWrite,
        "POST /api/v1/storage/move": .storageWrite,
        "POST /api/v1/storage/check-out": .storageWrite,
        "POST /api/v1/storage/moves": .storageWrite,

        // Search: each kind of result is shown only to those who may read it.
        "GET /search": .signedIn,
        "GET /api/v1/search": .signedIn,

        // Audit trail.
        "GET /admin/audit": .auditRead,
        "GET /admin/audit/verify": .auditRead,
        "GET /api/v1/audit": .auditRead,
        "GET /api/v1/audit/verify": .auditRead,
        "GET /api/v1/audit/export": .auditRead,

        // Security events.
        "GET /admin/security": .securityRead,
        "GET /api/v1/security-events": .securityRead,
        "GET /api/v1/ip-blocks": .securityRead,
        "DELETE /api/v1/ip-blocks/{ip}": .admin,
        "POST /admin/ip-blocks/{ip}/lift": .admin,
    ]

    /// What a user who still has to enrol a second factor may reach (see `auth.require_2fa`).
    static let enrolmentRoutes: Set<String> = [
        "GET /account/2fa", "POST /account/2fa/enable", "POST /logout", "GET /static/**",
    ]

    static func permission(method: String, path: String) -> Permission? {
        routes["\(method) \(path)"]
    }
}
