/// Every route's required permission, derived from the ``RouteTable`` declarations.
/// ``AuthorizationMiddleware`` enforces it; a route missing from it is refused.
package struct AccessPolicy: Sendable {
    /// `"GET /samples/{id}"` → what it needs.
    package let permissions: [String: Permission]

    package init(_ routes: [RouteTable.Route]) {
        permissions = Dictionary(uniqueKeysWithValues: routes.map { ($0.key, $0.permission) })
    }

    package func permission(method: String, path: String) -> Permission? {
        permissions["\(method) \(path)"]
    }
}
