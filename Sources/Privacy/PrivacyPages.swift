import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// A consent statement as the pages show it.
struct ConsentRow: Encodable {
    let purpose: String
    let given: Bool
    let status: String
    let effectiveOn: String
    let method: String
    let evidence: Int64?
    let recordedBy: String
    let recordedAt: String

    init(_ consent: Consent, time: LabTime) {
        purpose = consent.purpose
        given = consent.status == .given
        status = consent.status.rawValue
        effectiveOn = consent.effectiveOn
        method = consent.method
        evidence = consent.attachmentId
        recordedBy = consent.recordedBy
        recordedAt = time.text(consent.createdAt)
    }
}

/// An access to a person's data as the pages show it.
struct AccessRow: Encodable {
    let at: String
    let actor: String
    let customer: String
    /// For the export of the customer list: its filter ("all" when none).
    let list: String?
    let action: String
    let channel: String

    init(_ access: PersonalDataAccess, time: LabTime) {
        at = Timestamp.parse(access.at).map(time.text) ?? access.at
        actor = access.actorName
        customer = access.subjectId
        list = PersonalSubject(type: access.subjectType, id: access.subjectId).listFilter.map {
            $0.isEmpty ? "all" : $0
        }
        action = access.action.rawValue
        channel = access.channel.rawValue
    }
}

/// `privacy/customer-privacy.mustache`.
struct CustomerPrivacyPage: Encodable {
    let id: Int64
    let name: String
    let erased: String?
    let flagged: String?
    let current: [ConsentRow]
    let history: [ConsentRow]
    let canRecord: Bool
    let purposes: [String]
    let today: String
    let files: [Choice]
    let canExport: Bool
    let canErase: Bool
    let showAccesses: Bool
    let accesses: [AccessRow]
    let hasCurrent: Bool
    let hasHistory: Bool
    let hasAccesses: Bool
}

struct ErasureRow: Encodable {
    let customer: String
    let at: String
    let by: String
    let reason: String
}

struct FlaggedRow: Encodable {
    let id: Int64
    let name: String
    let lastChanged: String
    let flaggedAt: String
}

/// `privacy/privacy.mustache`.
struct PrivacyReviewPage: Encodable {
    let accesses: [AccessRow]
    let customerId: String
    let actor: String
    let actions: [Choice]
    let next: String?
    let erasures: [ErasureRow]
    let flagged: [FlaggedRow]
    let retentionYears: Int
    let retentionAction: String
    let invoiceYears: Int
    let hasAccesses: Bool
    let hasErasures: Bool
    let hasFlagged: Bool
}
