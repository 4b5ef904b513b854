import Foundation
import LabBoxServer
import LabBoxValues

/// `certificates/embryo-certificates.mustache` and `certificates/health-certificates.mustache`:
/// a list with its filters.
struct CertificateListPage: Encodable {
    struct Row: Encodable {
        let id: Int64
        let number: String
        /// The straw (embryo certificates) or the destination (health certificates).
        let subject: String
        /// Donor × sire, or the animal.
        let animals: String
        let customer: String?
        let issued: String
        let inForce: Bool

        init(_ detail: CertificateStore.EmbryoDetail) {
            let c = detail.certificate
            id = c.id ?? 0
            number = c.number
            subject = "\(c.strawCode) (\(c.iets))"
            animals = "\(c.donorName) × \(c.sireName)"
            customer = detail.customer
            issued = c.issuedOn
            inForce = c.revokedAt == nil
        }

        init(_ detail: CertificateStore.HealthDetail) {
            let c = detail.certificate
            id = c.id ?? 0
            number = c.number
            subject = c.destination
            animals = c.animalName
            customer = detail.customer
            issued = c.issuedOn
            inForce = c.revokedAt == nil
        }
    }
    let rows: [Row]
    let empty: Bool
    let next: String?
    let firstPage: String?
    let from: String
    let to: String
    let customerId: String
    let statuses: [Choice]
    /// The filters as a query string, for the export buttons; nil when none is set.
    let filters: String?
    let canWrite: Bool

    init(_ query: ListQuery, path: String, rows: [Row], next: KeysetPosition?, canWrite: Bool) {
        let keep = ["from", "to", "customer_id", "animal_id", "sample_id", "status"]
        self.rows = rows
        empty = rows.isEmpty
        self.next = query.nextPage(keeping: keep, after: next)
        firstPage = query.firstPage(path, keeping: keep)
        from = query["from"] ?? ""
        to = query["to"] ?? ""
        customerId = query["customer_id"] ?? ""
        statuses = [
            Choice(value: "in_force", label: "in force", selected: query["status"] == "in_force"),
            Choice(value: "revoked", label: "revoked", selected: query["status"] == "revoked"),
        ]
        filters = query.filters(keep).nonEmpty
        self.canWrite = canWrite
    }
}

struct EmbryoCertificateFormPage: Encodable {
    let form: CertificatesWebController.EmbryoForm
    let error: String?
    let centre: String
    let approvalNumber: String
    let methods: [Choice]
}

struct HealthCertificateFormPage: Encodable {
    let form: CertificatesWebController.HealthForm
    let error: String?
    let destinations: [Choice]
    let noDestinations: Bool
}

/// A label and a value of a certificate as printed.
struct CertificateFact: Encodable {
    let label: String
    let value: String
}

/// The revocation of a certificate, when it has one.
struct RevocationNote: Encodable {
    let at: String
    let by: String
    let reason: String
}

/// `certificates/embryo-certificate.mustache`: the certificate as issued, printable.
struct EmbryoCertificatePage: Encodable {
    let id: Int64
    let number: String
    let centre: String
    let approvalNumber: String
    let embryo: [CertificateFact]
    let donor: [CertificateFact]
    let sire: [CertificateFact]
    let issue: [CertificateFact]
    let notes: String?
    let sampleId: Int64
    let revocation: RevocationNote?
    let canRevoke: Bool

    init(_ detail: CertificateStore.EmbryoDetail, time: LabTime, canRevoke: Bool) {
        let c = detail.certificate
        id = c.id ?? 0
        number = c.number
        centre = c.freezingCentre
        approvalNumber = c.approvalNumber
        embryo = [
            .init(label: "Straw code", value: c.strawCode), .init(label: "Species", value: c.species),
            .init(label: "Origin", value: c.origin == .ivp ? "In vitro produced (IVP)" : "In vivo derived (flush)"),
            .init(label: c.origin == .ivp ? "Fertilisation date" : "Collection date", value: c.producedOn),
            .init(label: "Stage (IETS)", value: "\(c.stage) – \(Embryo.stages[c.stage] ?? "")"),
            .init(label: "Quality (IETS)", value: "\(c.grade) – \(Embryo.grades[c.grade] ?? "")"),
            .init(label: "Embryos per straw", value: String(c.embryosPerStraw)),
            .init(label: "Freezing method", value: c.freezingMethod.label),
            .init(label: "Cryoprotectant", value: c.cryoprotectant), .init(label: "Frozen on", value: c.frozenOn),
        ]
        donor = [
            .init(label: "Name", value: c.donorName), .init(label: "Breed", value: c.donorBreed),
            .init(label: "Registration no.", value: c.donorRegistration),
        ]
        sire = [
            .init(label: "Name", value: c.sireName), .init(label: "Breed", value: c.sireBreed),
            .init(label: "Registration no.", value: c.sireRegistration),
        ]
        issue = [
            .init(label: "Owner", value: detail.customer ?? "—"), .init(label: "Issued", value: time.text(c.issuedAt)),
            .init(label: "Issued by", value: c.issuedBy),
        ]
        notes = c.notes.nonEmpty
        sampleId = c.sampleId
        revocation = c.revokedAt.map { RevocationNote(at: time.text($0), by: c.revokedBy, reason: c.revokeReason) }
        self.canRevoke = canRevoke && c.revokedAt == nil
    }
}

/// `certificates/health-certificate.mustache`: the certificate as issued, printable.
struct HealthCertificatePage: Encodable {
    struct Line: Encodable {
        let code: String
        let test: String
        let result: String
        let range: String
        let sample: String
        let sampledOn: String
        let verifiedBy: String
    }
    let id: Int64
    let number: String
    let lab: String
    let destination: String
    let animal: [CertificateFact]
    let issue: [CertificateFact]
    let results: [Line]
    let notes: String?
    let animalId: Int64
    let revocation: RevocationNote?
    let canRevoke: Bool

    init(_ detail: CertificateStore.HealthDetail, lab: String, time: LabTime, canRevoke: Bool) {
        let c = detail.certificate
        id = c.id ?? 0
        number = c.number
        self.lab = lab
        destination = c.destination
        animal = [
            .init(label: "Name", value: c.animalName), .init(label: "Species", value: c.species),
            .init(label: "Breed", value: c.breed), .init(label: "Sex", value: c.sex),
            .init(label: "Registration no.", value: c.registration.nonEmpty ?? "—"),
            .init(label: "Owner", value: detail.customer ?? "—"),
        ]
        issue = [
            .init(label: "Results valid for", value: "\(c.validityDays) days from sampling"),
            .init(label: "Valid until", value: c.validUntil), .init(label: "Issued", value: time.text(c.issuedAt)),
            .init(label: "Issued by", value: c.issuedBy),
        ]
        results = c.decodedResults.map { result in
            let number = { (value: Double?) in value.map { $0.formatted() } }
            let range = [number(result.low), number(result.high)].compactMap { $0 }.joined(separator: "–")
            return Line(
                code: result.code, test: result.test,
                result: [number(result.value) ?? "", result.unit].filter { !$0.isEmpty }.joined(separator: " "),
                range: range, sample: result.sampleCode, sampledOn: result.sampledOn,
                verifiedBy: result.verifiedBy.joined(separator: ", "))
        }
        notes = c.notes.nonEmpty
        animalId = c.animalId
        revocation = c.revokedAt.map { RevocationNote(at: time.text($0), by: c.revokedBy, reason: c.revokeReason) }
        self.canRevoke = canRevoke && c.revokedAt == nil
    }
}

/// `certificates/destinations.mustache`.
struct DestinationsPage: Encodable {
    struct Row: Encodable {
        let id: Int64
        let name: String
        let tests: String
        let validityDays: Int
        let notes: String

        init(_ destination: CertificateDestination) {
            id = destination.id ?? 0
            name = destination.name
            tests = destination.testCodes.joined(separator: ", ")
            validityDays = destination.validityDays
            notes = destination.notes
        }
    }
    let destinations: [Row]
    let empty: Bool
    let canEdit: Bool
}
