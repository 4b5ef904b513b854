/// What a route or action needs. Roles and API-key scopes both grant permissions; each route
/// declares its own in the ``RouteTable``.
package struct Permission: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package let rawValue: String
    package init(rawValue: String) { self.rawValue = rawValue }
    package var description: String { rawValue }

    /// Anyone, signed in or not: health, login, static assets.
    package static let anonymous = Permission(rawValue: "anonymous")
    /// Any signed-in user or valid key: their own profile, sessions and keys.
    package static let signedIn = Permission(rawValue: "signed_in")
    /// A signed-in person managing their own account (password, second factor, sessions, API
    /// keys): a browser session or an access token, never an API key, whatever its scopes.
    package static let account = Permission(rawValue: "account")
    /// ``account``, also for a person whom `auth.require_2fa` still sends to enrol a second factor:
    /// the enrolment pages and signing out.
    package static let enrolling = Permission(rawValue: "enrolling")
    /// Users, roles, API keys of others, settings, backups.
    package static let admin = Permission(rawValue: "admin")
    /// Security events and blocks, for admins and auditors.
    package static let securityRead = Permission(rawValue: "security:read")

    /// The audit trail: search, export, verification; for admins and auditors.
    package static let auditRead = Permission(rawValue: "audit:read")
    package static let samplesRead = Permission(rawValue: "samples:read")
    package static let samplesWrite = Permission(rawValue: "samples:write")
    package static let customersRead = Permission(rawValue: "customers:read")
    package static let customersWrite = Permission(rawValue: "customers:write")
    package static let animalsRead = Permission(rawValue: "animals:read")
    package static let animalsWrite = Permission(rawValue: "animals:write")
    package static let storageRead = Permission(rawValue: "storage:read")
    package static let storageWrite = Permission(rawValue: "storage:write")
    package static let reproductionRead = Permission(rawValue: "reproduction:read")
    package static let reproductionWrite = Permission(rawValue: "reproduction:write")
    package static let resultsRead = Permission(rawValue: "results:read")
    package static let resultsWrite = Permission(rawValue: "results:write")
    package static let genomicsRead = Permission(rawValue: "genomics:read")
    package static let genomicsWrite = Permission(rawValue: "genomics:write")
    /// Files on records. A file is also its record's: reading or attaching one needs the record's
    /// own permission as well (an invoice's files need billing:read).
    package static let attachmentsRead = Permission(rawValue: "attachments:read")
    package static let attachmentsWrite = Permission(rawValue: "attachments:write")
    /// Tasks assigned to people. A task about a record shows only that record's kind and id.
    package static let tasksRead = Permission(rawValue: "tasks:read")
    package static let tasksWrite = Permission(rawValue: "tasks:write")
    /// Comments on records and tasks. Like a file, a comment is also its record's: reading one
    /// needs the record's read permission as well, and so does writing one.
    package static let commentsRead = Permission(rawValue: "comments:read")
    package static let commentsWrite = Permission(rawValue: "comments:write")
    /// A record's journal of dated notes; adding one also needs the record's write permission.
    package static let notesRead = Permission(rawValue: "notes:read")
    package static let notesWrite = Permission(rawValue: "notes:write")
    /// The document library (SOPs, protocols, media recipes): reading it, and proposing versions.
    package static let libraryRead = Permission(rawValue: "library:read")
    package static let libraryWrite = Permission(rawValue: "library:write")
    /// Approving a library version (an e-signature that puts it in force): lab directors and
    /// admins, not technicians, who propose versions (decision 0042).
    package static let libraryApprove = Permission(rawValue: "library:approve")
    /// What export health certificates require per destination (tests and their validity): a
    /// director's or an admin's rule, which technicians apply but do not set (decision 0049).
    package static let certificateRules = Permission(rawValue: "certificates:rules")
    /// Prices, charges, invoices, payments and receivables: money, which technicians do not see.
    package static let billingRead = Permission(rawValue: "billing:read")
    package static let billingWrite = Permission(rawValue: "billing:write")
    /// People's data as such (decision 0041): who read or exported whose record, erasures, retention.
    package static let privacyRead = Permission(rawValue: "privacy:read")
    /// A person's whole data handed out (the subject-access export) or erased: a director's or an
    /// admin's decision, never a technician's.
    package static let privacyWrite = Permission(rawValue: "privacy:write")

    /// Scopes an API key may carry: `admin`, `security:read`, `audit:read`, `library:approve`,
    /// `certificates:rules`, or
    /// `<area>:read` / `<area>:write` for the lab data areas (`samples:read`, …).
    package static func isValidScope(_ scope: String) -> Bool {
        if [admin, securityRead, auditRead, libraryApprove, certificateRules].map(\.rawValue).contains(scope) {
            return true
        }
        let parts = scope.split(separator: ":")
        return parts.count == 2 && ["read", "write"].contains(parts[1])
            && parts[0].allSatisfy { $0.isLetter && $0.isLowercase } && !["security", "audit"].contains(parts[0])
    }

    package var isRead: Bool { rawValue.hasSuffix(":read") }
    package var isLabData: Bool {
        (isRead || rawValue.hasSuffix(":write")) && self != Self.securityRead && self != Self.auditRead
    }
    /// The billing area: prices and amounts owed, for the people who may see money.
    package var isMoney: Bool { rawValue.hasPrefix("billing:") }
    /// The privacy area: what technicians do not see.
    package var isPrivacy: Bool { rawValue.hasPrefix("privacy:") }
}

package enum Role: String, Codable, CaseIterable, Sendable {
    case admin, director, technician, auditor

    /// The one table of what each role may do.
    package func grants(_ permission: Permission) -> Bool {
        switch permission {
        case .anonymous, .signedIn, .account, .enrolling: return true
        default: break
        }
        switch self {
        case .admin: return true
        case .director: return permission.isLabData || permission == .libraryApprove || permission == .certificateRules
        case .technician: return permission.isLabData && !permission.isMoney && !permission.isPrivacy
        case .auditor: return permission.isRead
        }
    }

    package var label: String {
        switch self {
        case .admin: "Administrator"
        case .director: "Lab director"
        case .technician: "Technician"
        case .auditor: "Auditor (read-only)"
        }
    }
}
