import Animals
import Biobank
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Results

/// Embryo and export health certificates and the destinations health certificates are for: with
/// `CertificateDetail.swift` (the reads), the only place with their SQL. A certificate is refused,
/// with nothing written, unless everything it must state is known; once issued it is a snapshot
/// that only its revocation (with a reason) changes. Every write is audited.
package struct CertificateStore: Sendable {
    package let database: AppDatabase
    /// The freezing centre (`lab.name`) and its approval number (`lab.approval_number`).
    package let centre: String
    package let approvalNumber: String

    // MARK: Embryo certificates

    package struct EmbryoInput: Codable, Sendable {
        /// The frozen embryo straw.
        package var sampleId: Int64?
        /// Default: as the embryo was frozen (vitrified, or slow frozen).
        package var freezingMethod: String?
        package var cryoprotectant: String?
        package var notes: String?

        package enum CodingKeys: String, CodingKey {
            case cryoprotectant, notes
            case sampleId = "sample_id"
            case freezingMethod = "freezing_method"
        }

        package init(
            sampleId: Int64? = nil, freezingMethod: String? = nil, cryoprotectant: String? = nil, notes: String? = nil
        ) {
            self.sampleId = sampleId
            self.freezingMethod = freezingMethod
            self.cryoprotectant = cryoprotectant
            self.notes = notes
        }
    }

    /// Issues the certificate of a frozen embryo straw. Refused when the straw holds no frozen
    /// embryo, when the donor or the sire has no registration number (a registry cannot register
    /// the calf), or when the lab's approval number is not set.
    package func issue(_ input: EmbryoInput, context: EventContext) async throws -> EmbryoCertificate {
        let cryoprotectant = try InputCheck.text(input.cryoprotectant, field: "cryoprotectant", limit: 100)
        let notes = try InputCheck.text(input.notes, field: "notes", limit: 2000)
        let method = try FormText.text(input.freezingMethod).map { text in
            guard let method = EmbryoCertificate.FreezingMethod(rawValue: text) else {
                throw APIError.validationFailed(
                    "The freezing method is slow_freeze, direct_transfer or vitrification.", field: "freezing_method")
            }
            return method
        }
        guard !cryoprotectant.isEmpty else {
            throw APIError.validationFailed(
                "Name the cryoprotectant, e.g. ethylene glycol 1.5 M.", field: "cryoprotectant")
        }
        guard !approvalNumber.isEmpty, !centre.isEmpty else {
            throw APIError.validationFailed(
                "The lab's approval number is not set (lab.approval_number); an administrator sets it first.",
                field: "approval_number")
        }
        guard let sampleID = input.sampleId else {
            throw APIError.validationFailed("Choose the frozen embryo straw.", field: "sample_id")
        }
        let (centre, approvalNumber) = (centre, approvalNumber)
        return try await database.write(context) { write in
            let db = write.db
            let (straw, embryo) = try Self.frozenEmbryo(db, straw: sampleID)
            let donor = try Self.registered(db, embryo.donorId, role: "donor")
            let sire = try Self.registered(db, embryo.sireId, role: "sire")
            if let number = try String.fetchOne(
                db, sql: "SELECT number FROM embryo_certificates WHERE sample_id = ? AND revoked_at IS NULL",
                arguments: [sampleID])
            {
                throw APIError(
                    status: .conflict, code: "conflict",
                    message: "\(number) is in force for \(straw.externalId); revoke it to issue another.",
                    field: "sample_id")
            }
            let producedOn =
                try embryo.batchId.flatMap {
                    try String.fetchOne(db, sql: "SELECT fertilised_on FROM ivf_batches WHERE id = ?", arguments: [$0])
                } ?? Self.labDay(embryo.createdAt)
            let now = Date()
            var certificate = EmbryoCertificate(
                number: try Self.nextNumber(db, "EC", table: EmbryoCertificate.databaseTableName),
                sampleId: sampleID, embryoId: embryo.id ?? 0, customerId: donor.animal.ownerId,
                strawCode: straw.externalId, species: embryo.species, donorId: embryo.donorId,
                donorName: donor.animal.name, donorBreed: donor.animal.breed, donorRegistration: donor.registration,
                sireId: embryo.sireId, sireName: sire.animal.name, sireBreed: sire.animal.breed,
                sireRegistration: sire.registration, origin: embryo.origin, producedOn: producedOn,
                stage: embryo.stage, grade: embryo.grade,
                embryosPerStraw: try Embryo.filter(Embryo.CodingKeys.sampleId == sampleID).fetchCount(db),
                freezingMethod: method ?? Self.freezingMethod(of: straw), cryoprotectant: cryoprotectant,
                frozenOn: Self.labDay(straw.collectedAt), freezingCentre: centre, approvalNumber: approvalNumber,
                notes: notes, issuedAt: now, issuedOn: Self.labDay(now), issuedBy: write.context.actorName)
            try write.insert(&certificate, action: "embryo_certificate.issue", reason: "straw \(straw.externalId)")
            return certificate
        }
    }

    /// The straw and the frozen embryo in it; else a refusal naming `sample_id`.
    static func frozenEmbryo(_ db: Database, straw id: Int64) throws -> (Sample, Embryo) {
        guard let straw = try Sample.fetchOne(db, key: id) else {
            throw APIError.validationFailed("No sample has id \(id).", field: "sample_id")
        }
        guard straw.kind == "embryo", let embryo = try Embryo.filter(Embryo.CodingKeys.sampleId == id).fetchOne(db)
        else {
            throw APIError.validationFailed(
                "\(straw.externalId) is not a straw of an embryo frozen here.", field: "sample_id")
        }
        guard embryo.fate == .frozen else {
            throw APIError.validationFailed(
                "The embryo of \(straw.externalId) is \(embryo.fate.label), no longer frozen.", field: "sample_id")
        }
        return (straw, embryo)
    }

    /// The animal with its registration number; else a refusal naming `<role>_id`.
    private static func registered(_ db: Database, _ id: Int64, role: String) throws
        -> (animal: Animal, registration: String)
    {
        guard let animal = try Animal.fetchOne(db, key: id) else {
            throw APIError.validationFailed("No animal has id \(id).", field: "\(role)_id")
        }
        guard let registration = try registration(db, of: id) else {
            throw APIError.validationFailed(
                "The \(role) \(animal.name) has no registration number; add it on the animal's page first.",
                field: "\(role)_id")
        }
        return (animal, registration)
    }

    /// An animal's (first) registration number, if it has one.
    static func registration(_ db: Database, of animalID: Int64) throws -> String? {
        try String.fetchOne(
            db,
            sql: """
                SELECT value FROM animal_identifiers WHERE animal_id = ? AND type = 'registration' AND value <> ''
                ORDER BY id LIMIT 1
                """, arguments: [animalID])
    }

    /// How the straw was frozen, as freezing wrote it into the straw's notes.
    static func freezingMethod(of straw: Sample) -> EmbryoCertificate.FreezingMethod {
        straw.notes.contains("slow frozen") ? .slowFreeze : .vitrification
    }

    /// `EC-00001`, `HC-00001`: the next number of a kind.
    private static func nextNumber(_ db: Database, _ prefix: String, table: String) throws -> String {
        let next = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM \(table)") ?? 1
        return prefix + "-" + String(format: "%05lld", next)
    }

    /// The day of `date` on the lab's calendar (the process runs in the lab's zone, decision 0032).
    static func labDay(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .current).year().month().day())
    }

    /// Revokes a certificate in force; the reason is required and stays on it.
    package func revokeEmbryoCertificate(id: Int64, reason: String?, context: EventContext) async throws
        -> EmbryoCertificate
    {
        let reason = try Self.revocationReason(reason)
        return try await database.write(context) { write in
            guard let previous = try EmbryoCertificate.fetchOne(write.db, key: id) else {
                throw APIError.notFound("No embryo certificate has id \(id).")
            }
            guard previous.revokedAt == nil else { throw Self.revokedAlready(previous.number) }
            var certificate = previous
            certificate.revokedAt = Date()
            certificate.revokedBy = write.context.actorName
            certificate.revokeReason = reason
            try write.update(certificate, from: previous, action: "embryo_certificate.revoke", reason: reason)
            return certificate
        }
    }

    private static func revocationReason(_ text: String?) throws -> String {
        guard let reason = FormText.text(text) else { throw AuditPolicy.missingReason }
        try InputCheck.length(reason, field: "reason", limit: 2000)
        return reason
    }

    private static func revokedAlready(_ number: String) -> APIError {
        APIError(status: .conflict, code: "conflict", message: "\(number) is revoked already.", field: "status")
    }

    // MARK: Destinations

    package struct DestinationInput: Codable, Sendable {
        package var name: String?
        /// Test codes of the catalog.
        package var tests: [String]?
        package var validityDays: Int?
        package var notes: String?
        package var reason: String?

        package enum CodingKeys: String, CodingKey {
            case name, tests, notes, reason
            case validityDays = "validity_days"
        }

        package init(
            name: String? = nil, tests: [String]? = nil, validityDays: Int? = nil, notes: String? = nil,
            reason: String? = nil
        ) {
            self.name = name
            self.tests = tests
            self.validityDays = validityDays
            self.notes = notes
            self.reason = reason
        }
    }

    package func createDestination(_ input: DestinationInput, context: EventContext) async throws
        -> CertificateDestination
    {
        try await database.write(context) { write in
            let now = Date()
            var destination = CertificateDestination(
                name: "", tests: "", validityDays: 30, createdAt: now, updatedAt: now)
            try Self.apply(input, to: &destination, db: write.db, creating: true)
            try write.insert(&destination)
            return destination
        }
    }

    package func updateDestination(id: Int64, _ input: DestinationInput, context: EventContext) async throws
        -> CertificateDestination
    {
        try await database.write(context) { write in
            let previous = try Self.destination(write.db, id: id)
            var destination = previous
            try Self.apply(input, to: &destination, db: write.db, creating: false)
            destination.updatedAt = Date()
            try write.update(destination, from: previous, reason: FormText.text(input.reason))
            return destination
        }
    }

    static func destination(_ db: Database, id: Int64) throws -> CertificateDestination {
        guard let destination = try CertificateDestination.fetchOne(db, key: id) else {
            throw APIError.notFound("No destination has id \(id).")
        }
        return destination
    }

    private static func apply(
        _ input: DestinationInput, to destination: inout CertificateDestination, db: Database, creating: Bool
    ) throws {
        try InputCheck.length(input.reason ?? "", field: "reason", limit: 2000)
        if let name = input.name ?? (creating ? "" : nil) {
            let name = try InputCheck.text(name, field: "name", limit: 100)
            guard !name.isEmpty else { throw APIError.validationFailed("Name the destination.", field: "name") }
            if try CertificateDestination.filter(
                sql: "name = ? COLLATE NOCASE AND id IS NOT ?", arguments: [name, destination.id]
            )
            .fetchCount(db) > 0 {
                throw APIError(
                    status: .conflict, code: "conflict", message: "A destination is named \(name) already.",
                    field: "name")
            }
            destination.name = name
        }
        if let codes = input.tests ?? (creating ? [] : nil) {
            destination.tests = try catalogCodes(db, codes)
        }
        if let days = input.validityDays {
            guard (1...730).contains(days) else {
                throw APIError.validationFailed("Results stay valid for 1 to 730 days.", field: "validity_days")
            }
            destination.validityDays = days
        } else if creating {
            throw APIError.validationFailed(
                "Give how many days before issue the samples may have been taken.", field: "validity_days")
        }
        if let notes = input.notes { destination.notes = try InputCheck.text(notes, field: "notes", limit: 2000) }
    }

    /// The codes as the catalog spells them, comma separated; unknown ones are refused by name.
    private static func catalogCodes(_ db: Database, _ codes: [String]) throws -> String {
        let wanted = codes.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !wanted.isEmpty, wanted.count <= 30 else {
            throw APIError.validationFailed("Require 1 to 30 tests of the catalog.", field: "tests")
        }
        var known: [String] = []
        var unknown: [String] = []
        for code in wanted {
            try InputCheck.length(code, field: "tests", limit: 30)
            if let spelled = try String.fetchOne(
                db, sql: "SELECT code FROM lab_tests WHERE code = ?", arguments: [code])
            {
                if !known.contains(spelled) { known.append(spelled) }
            } else {
                unknown.append(code)
            }
        }
        guard unknown.isEmpty else {
            throw APIError.validationFailed(
                "Not in the test catalog: \(unknown.joined(separator: ", ")).", field: "tests")
        }
        return known.joined(separator: ",")
    }

    // MARK: Health certificates

    package struct HealthInput: Codable, Sendable {
        package var animalId: Int64?
        package var destinationId: Int64?
        package var notes: String?

        package enum CodingKeys: String, CodingKey {
            case notes
            case animalId = "animal_id"
            case destinationId = "destination_id"
        }

        package init(animalId: Int64? = nil, destinationId: Int64? = nil, notes: String? = nil) {
            self.animalId = animalId
            self.destinationId = destinationId
            self.notes = notes
        }
    }

    /// Issues an animal's health certificate for a destination from its verified results: for
    /// each test the destination requires, the newest verified result whose sample was taken
    /// within the destination's window, inside its reference range. Refused, naming every test
    /// that is missing, unverified, expired or outside its range, with nothing written.
    package func issueHealth(_ input: HealthInput, context: EventContext) async throws -> HealthCertificate {
        let notes = try InputCheck.text(input.notes, field: "notes", limit: 2000)
        guard let destinationID = input.destinationId else {
            throw APIError.validationFailed("Choose the destination.", field: "destination_id")
        }
        return try await database.write(context) { write in
            let db = write.db
            let animal = try Breeding.animal(db, input.animalId, field: "animal_id")
            guard let destination = try CertificateDestination.fetchOne(db, key: destinationID) else {
                throw APIError.validationFailed("No destination has id \(destinationID).", field: "destination_id")
            }
            let now = Date()
            let today = Self.labDay(now)
            let oldest = Day.adding(-destination.validityDays, to: today) ?? today
            var results: [HealthCertificate.Result] = []
            var problems: [String] = []
            for code in destination.testCodes {
                switch try Self.evidence(db, animal: animal.id ?? 0, test: code, since: oldest) {
                case .success(let result): results.append(result)
                case .failure(let problem): problems.append(problem.message)
                }
            }
            guard problems.isEmpty else {
                throw APIError.validationFailed(
                    "No certificate for \(destination.name): " + problems.joined(separator: "; ") + ".", field: "tests")
            }
            let first = results.map(\.sampledOn).min() ?? today
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            var certificate = HealthCertificate(
                number: try Self.nextNumber(db, "HC", table: HealthCertificate.databaseTableName),
                animalId: animal.id ?? 0, destinationId: destinationID, customerId: animal.ownerId,
                destination: destination.name, validityDays: destination.validityDays, animalName: animal.name,
                species: animal.species, breed: animal.breed, sex: animal.sex.rawValue,
                registration: try Self.registration(db, of: animal.id ?? 0) ?? "",
                results: String(decoding: try encoder.encode(results), as: UTF8.self),
                validUntil: Day.adding(destination.validityDays, to: first) ?? first, notes: notes, issuedAt: now,
                issuedOn: today, issuedBy: write.context.actorName)
            try write.insert(&certificate, action: "health_certificate.issue", reason: "for \(destination.name)")
            return certificate
        }
    }

    struct Problem: Error {
        let message: String
    }

    /// The result a certificate can rest on for test `code`, or what is wrong with the animal's.
    private static func evidence(_ db: Database, animal: Int64, test code: String, since oldest: String) throws
        -> Swift.Result<HealthCertificate.Result, Problem>
    {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT a.*, t.code AS test_code, t.name AS test_name, s.external_id AS sample_code,
                    s.collected_at AS sampled_at
                FROM analyses a JOIN samples s ON s.id = a.sample_id JOIN lab_tests t ON t.id = a.test_id
                WHERE s.animal_id = ? AND t.code = ? AND a.state <> 'rejected'
                ORDER BY s.collected_at DESC, a.id DESC
                """, arguments: [animal, code])
        guard !rows.isEmpty else { return .failure(Problem(message: "\(code) has no result")) }
        guard let row = rows.first(where: { $0["state"] == Analysis.State.verified.rawValue }) else {
            let state = Analysis.State(rawValue: rows[0]["state"] ?? "")?.label ?? "not verified"
            return .failure(Problem(message: "\(code) is not verified (\(state))"))
        }
        let analysis = try Analysis(row: row)
        let sampledOn = labDay(row["sampled_at"])
        guard sampledOn >= oldest else {
            return .failure(Problem(message: "\(code) was last sampled on \(sampledOn), before \(oldest)"))
        }
        guard analysis.flag.isEmpty else {
            let value = analysis.value.map { "\($0.formatted()) \(analysis.unit)" } ?? "the value"
            return .failure(
                Problem(
                    message:
                        "\(code) of \(sampledOn) is \(analysis.flag) (\(value.trimmingCharacters(in: .whitespaces)))"
                ))
        }
        let verifiers = try ResultStore.verifications(db, of: [analysis])[analysis.auditID, default: []].map(\.signer)
        return .success(
            HealthCertificate.Result(
                code: row["test_code"], test: row["test_name"], value: analysis.value, unit: analysis.unit,
                low: analysis.low, high: analysis.high, sampleCode: row["sample_code"], sampledOn: sampledOn,
                analysisId: analysis.id ?? 0, verifiedBy: verifiers))
    }

    package func revokeHealthCertificate(id: Int64, reason: String?, context: EventContext) async throws
        -> HealthCertificate
    {
        let reason = try Self.revocationReason(reason)
        return try await database.write(context) { write in
            guard let previous = try HealthCertificate.fetchOne(write.db, key: id) else {
                throw APIError.notFound("No health certificate has id \(id).")
            }
            guard previous.revokedAt == nil else { throw Self.revokedAlready(previous.number) }
            var certificate = previous
            certificate.revokedAt = Date()
            certificate.revokedBy = write.context.actorName
            certificate.revokeReason = reason
            try write.update(certificate, from: previous, action: "health_certificate.revoke", reason: reason)
            return certificate
        }
    }

    package init(database: AppDatabase, centre: String, approvalNumber: String) {
        self.database = database
        self.centre = centre
        self.approvalNumber = approvalNumber
    }
}
