/// What a route or action needs. Roles and API-key scopes both grant permissions; routes declare
/// theirs in ``AccessPolicy``.
struct Permission: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    let rawValue: String
    init(rawValue: String) { self.rawValue = rawValue }
    var description: String { rawValue }

    /// Anyone, signed in or not: health, login, static assets.
    static let anonymous = Permission(rawValue: "anonymous")
    /// Any signed-in user or valid key: their own profile, sessions and keys.
    static let signedIn = Permission(rawValue: "signed_in")
    /// Users, roles, API keys of others, settings, backups.
    static let admin = Permission(rawValue: "admin")
    /// Security events and blocks, for admins and auditors.
    static let securityRead = Permission(rawValue: "security:read")

    /// The audit trail: search, export, verification; for admins and auditors.
    static let auditRead = Permission(rawValue: "audit:read")
    static let samplesRead = Permission(rawValue: "samples:read")
    static let samplesWrite = Permission(rawValue: "samples:write")
    static let customersRead = Permission(rawValue: "customers:read")
    static let customersWrite = Permission(rawValue: "customers:write")
    static let animalsRead = Permission(rawValue: "animals:read")
    static let animalsWrite = Permission(rawValue: "animals:write")
    static let storageRead = Permission(rawValue: "storage:read")
    static let storageWrite = Permission(rawValue: "storage:write")
    static let reproductionRead = Permission(rawValue: "reproduction:read")
    static let reproductionWrite = Permission(rawValue: "reproduction:write")
    static let resultsRead = Permission(rawValue: "results:read")
    static let resultsWrite = Permission(rawValue: "results:write")
    static let genomicsRead = Permission(rawValue: "genomics:read")
    static let genomicsWrite = Permission(rawValue: "genomics:write")

    /// Scopes an API key may carry: `admin`, `security:read`, or `<area>:read` / `<area>:write`
    /// for the lab data areas (`samples:read`, …).
    static func isValidScope(_ scope: String) -> Bool {
        if [admin, securityRead, auditRead].map(\.rawValue).contains(scope) { return true }
        let parts = scope.split(separator: ":")
        return parts.count == 2 && ["read", "write"].contains(parts[1])
            && parts[0].allSatisfy { $0.isLetter && $0.isLowercase } && !["security", "audit"].contains(parts[0])
    }

    var isRead: Bool { rawValue.hasSuffix(":read") }
    var isLabData: Bool {
        (isRead || rawValue.hasSuffix(":write")) && self != Self.securityRead && self != Self.auditRead
    }
}

enum Role: String, Codable, CaseIterable, Sendable {
    case admin, director, technician, auditor

    /// The one table of what each role may do.
    func grants(_ permission: Permission) -> Bool {
        switch permission {
        case .anonymous, .signedIn: return true
        default: break
        }
        switch self {
        case .admin: return true
        case .director, .technician: return permission.isLabData
        case .auditor: return permission.isRead
        }
    }

    var label: String {
        switch self {
        case .admin: "Administrator"
        case .director: "Lab director"
        case .technician: "Technician"
        case .auditor: "Auditor (read-only)"
        }
    }
}
