import Foundation
import LabBoxServer
import LabBoxValues

/// `recipients/recipients.mustache`: the list.
struct RecipientsPage: Encodable {
    struct Row: Encodable {
        let id: Int64
        let animalId: Int64
        let animal: String
        let `protocol`: String
        let oestrusOn: String?
        let cycleDay: Int?
        let status: String
        let lastCheck: String?
        let transferId: Int64?

        init(_ recipient: Recipient, animal: String, lastCheck: String?, today: String) {
            id = recipient.id ?? 0
            animalId = recipient.animalId
            self.animal = animal
            self.protocol = recipient.protocol
            oestrusOn = recipient.oestrusOn
            // Her cycle day matters while she waits; after, the transfer says what happened.
            cycleDay = recipient.status.isOpen ? recipient.cycleDay(on: today) : nil
            status = recipient.status.rawValue
            self.lastCheck = lastCheck
            transferId = recipient.transferId
        }
    }
    let recipients: [Row]
    let empty: Bool
    let next: String?
    let firstPage: String?
    let statuses: [Choice]
    let today: String
    let canWrite: Bool
}

/// `recipients/recipient-new.mustache`.
struct RecipientFormPage: Encodable {
    let form: RecipientsWebController.EnrolForm
    let error: String?
    let protocols: [Choice]
}

/// The choices of the check form: the corpus luteum's side or none, its score, why she is skipped.
struct CheckChoices: Encodable {
    let cls = [Choice(value: "left"), Choice(value: "right"), Choice(value: "none", label: "none (no CL)")]
    let scores = ["1", "2", "3"].map { Choice(value: $0) }
    let reasons = RecipientCheck.SkipReason.allCases.dropFirst().map { Choice(value: $0.rawValue, label: $0.label) }
}

/// `recipients/recipient.mustache`: one enrolment, her checks, the check and edit forms.
struct RecipientPage: Encodable {
    struct Fact: Encodable {
        let label: String
        let value: String
    }
    struct Check: Encodable {
        let date: String
        let cycleDay: Int?
        let summary: String
        let suitable: Bool
        let by: String
    }
    let id: Int64
    /// The same, for the check form shared with the transfer-day worklist.
    let recipientId: Int64
    let animalId: Int64
    let animal: String
    let status: String
    let facts: [Fact]
    let checks: [Check]
    let noChecks: Bool
    let transferId: Int64?
    let notes: String?
    let canCheck: Bool
    let canEdit: Bool
    let today: String
    let form: RecipientsWebController.EnrolForm
    let protocols: [Choice]
    let choices = CheckChoices()

    init(
        _ detail: RecipientStore.Detail, canWrite: Bool, today: String, form: RecipientsWebController.EnrolForm,
        protocols: [Choice]
    ) {
        let recipient = detail.recipient
        id = recipient.id ?? 0
        recipientId = id
        animalId = recipient.animalId
        animal = detail.animal
        status = recipient.status.rawValue
        let rows: [(String, String?)] = [
            ("Animal", detail.animal), ("Species", detail.species), ("Protocol", recipient.protocol),
            ("Oestrus (day 0)", recipient.oestrusOn ?? "not recorded"),
            ("Cycle day today", recipient.status.isOpen ? detail.cycleDay.map(String.init) : nil),
            ("Status", recipient.status.rawValue),
        ]
        facts = rows.compactMap { label, value in value.map { Fact(label: label, value: $0) } }
        checks = detail.checks.map {
            Check(
                date: $0.checkedOn, cycleDay: recipient.cycleDay(on: $0.checkedOn), summary: $0.summary,
                suitable: $0.suitable, by: $0.checkedBy)
        }
        noChecks = detail.checks.isEmpty
        transferId = recipient.transferId
        notes = recipient.notes.nonEmpty
        canCheck = canWrite && recipient.status == .available
        canEdit = canWrite && recipient.status.isOpen
        self.today = today
        self.form = form
        self.protocols = protocols
    }
}

/// `recipients/transfer-day.mustache`: the worklist of one day, for the chute and for print.
struct TransferDayPage: Encodable {
    struct Pair: Encodable {
        let order: Int
        let recipient: RecipientStore.Candidate
        let cl: String
        let embryo: RecipientStore.Option?
        let synchrony: String?
        /// The witnessed transfer form, filled in with this pairing.
        let transferLink: String?
    }
    struct Waiting: Encodable {
        let recipient: RecipientStore.Candidate
        let check: String?
    }
    let on: String
    let tolerance: Int
    let window: String
    let pairs: [Pair]
    let noPairs: Bool
    let toCheck: [Waiting]
    let skipped: [Waiting]
    let anySkipped: Bool
    let transferred: [Waiting]
    let anyTransferred: Bool
    let embryos: [RecipientStore.Option]
    let noEmbryos: Bool
    let customerId: Int64?
    let donorId: Int64?
    let sireId: Int64?
    let grades: [Choice]
    /// Checks and transfers are recorded for today or an earlier day, never ahead.
    let canCheck: Bool
    let canTransfer: Bool
    let choices = CheckChoices()

    init(
        _ worklist: RecipientStore.Worklist, filter: RecipientStore.DayFilter, canWrite: Bool, today: String,
        window: ClosedRange<Int>
    ) {
        on = worklist.on
        tolerance = worklist.tolerance
        self.window = "\(window.lowerBound) to \(window.upperBound)"
        pairs = worklist.pairs.enumerated().map { index, pair in
            let check = pair.recipient.check
            var link: String?
            if let embryo = pair.embryo {
                var items = [
                    URLQueryItem(name: "recipient_id", value: String(pair.recipient.animalId)),
                    URLQueryItem(name: "embryo_id_1", value: String(embryo.embryoId)),
                    URLQueryItem(name: "transferred_on", value: worklist.on),
                    URLQueryItem(name: "cl_side", value: check?.clSide ?? ""),
                ]
                if let score = check?.clScore {
                    items.append(URLQueryItem(name: "cl_quality", value: "score \(score)"))
                }
                var components = URLComponents()
                components.queryItems = items
                link = "/reproduction/transfers/new?" + (components.percentEncodedQuery ?? "")
            }
            return Pair(
                order: index + 1, recipient: pair.recipient, cl: check?.summary ?? "", embryo: pair.embryo,
                synchrony: pair.synchrony.map { $0 > 0 ? "+\($0)" : String($0) }, transferLink: link)
        }
        noPairs = worklist.pairs.isEmpty
        toCheck = worklist.toCheck.map { Waiting(recipient: $0, check: nil) }
        skipped = worklist.skipped.map { Waiting(recipient: $0, check: $0.check?.summary) }
        anySkipped = !skipped.isEmpty
        transferred = worklist.transferred.map { Waiting(recipient: $0, check: $0.check?.summary) }
        anyTransferred = !transferred.isEmpty
        embryos = worklist.embryos
        noEmbryos = worklist.embryos.isEmpty
        customerId = filter.customerId
        donorId = filter.donorId
        sireId = filter.sireId
        grades = ["1", "2", "3"].map { Choice(value: $0, selected: $0 == String(filter.maxGrade)) }
        canCheck = canWrite && worklist.on <= today
        canTransfer = canCheck
    }
}
