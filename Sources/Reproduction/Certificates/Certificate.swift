import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform

/// The embryo certificate / transfer record of one frozen embryo straw, as issued: the fields the
/// IETS form and breed registries ask for, copied when it was issued so a reprint states exactly
/// that. Only a revocation changes it afterwards.
package struct EmbryoCertificate: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "embryo_certificates"
    package static let auditEntity = "embryo_certificate"

    /// Slow freezing (glycerol, thawed in steps), slow freezing for direct transfer (ethylene
    /// glycol, thawed straight into the recipient), or vitrification.
    package enum FreezingMethod: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case slowFreeze = "slow_freeze"
        case directTransfer = "direct_transfer"
        case vitrification

        package var label: String {
            switch self {
            case .slowFreeze: "Slow freeze"
            case .directTransfer: "Slow freeze, direct transfer"
            case .vitrification: "Vitrification"
            }
        }
    }

    package var id: Int64?
    package var number: String
    package var sampleId: Int64
    package var embryoId: Int64
    package var customerId: Int64?
    package var strawCode: String
    package var species: String
    package var donorId: Int64
    package var donorName: String
    package var donorBreed: String
    package var donorRegistration: String
    package var sireId: Int64
    package var sireName: String
    package var sireBreed: String
    package var sireRegistration: String
    package var origin: Embryo.Origin
    package var producedOn: String
    package var stage: Int
    package var grade: Int
    package var embryosPerStraw: Int
    package var freezingMethod: FreezingMethod
    package var cryoprotectant: String
    package var frozenOn: String
    package var freezingCentre: String
    package var approvalNumber: String
    package var notes: String
    package var issuedAt: Date
    package var issuedOn: String
    package var issuedBy: String
    package var revokedAt: Date?
    package var revokedBy = ""
    package var revokeReason = ""

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, number, species, origin, stage, grade, cryoprotectant, notes
        case sampleId = "sample_id"
        case embryoId = "embryo_id"
        case customerId = "customer_id"
        case strawCode = "straw_code"
        case donorId = "donor_id"
        case donorName = "donor_name"
        case donorBreed = "donor_breed"
        case donorRegistration = "donor_registration"
        case sireId = "sire_id"
        case sireName = "sire_name"
        case sireBreed = "sire_breed"
        case sireRegistration = "sire_registration"
        case producedOn = "produced_on"
        case embryosPerStraw = "embryos_per_straw"
        case freezingMethod = "freezing_method"
        case frozenOn = "frozen_on"
        case freezingCentre = "freezing_centre"
        case approvalNumber = "approval_number"
        case issuedAt = "issued_at"
        case issuedOn = "issued_on"
        case issuedBy = "issued_by"
        case revokedAt = "revoked_at"
        case revokedBy = "revoked_by"
        case revokeReason = "revoke_reason"
    }

    /// Stage and quality as written on the straw and the form, e.g. "7-1".
    package var iets: String { "\(stage)-\(grade)" }
}

/// Where a health certificate is for, and what it requires there: the tests (catalog codes) and
/// how many days old their samples may be when the certificate is issued.
package struct CertificateDestination: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord,
    AuditedRecord, ResponseEncodable
{
    package static let databaseTableName = "certificate_destinations"
    package static let auditEntity = "certificate_destination"

    package var id: Int64?
    package var name: String
    /// Test codes, comma separated, as lab profiles keep theirs.
    package var tests: String
    package var validityDays: Int
    package var notes = ""
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name, tests, notes
        case validityDays = "validity_days"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    package var testCodes: [String] { tests.split(separator: ",").map { String($0) } }
}

/// An export health certificate for a donor or sire, as issued: the animal and the verified
/// results (as JSON) that met the destination's requirements on the day.
package struct HealthCertificate: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "health_certificates"
    package static let auditEntity = "health_certificate"

    package var id: Int64?
    package var number: String
    package var animalId: Int64
    package var destinationId: Int64
    package var customerId: Int64?
    package var destination: String
    package var validityDays: Int
    package var animalName: String
    package var species: String
    package var breed: String
    package var sex: String
    package var registration: String
    package var results: String
    package var validUntil: String
    package var notes: String
    package var issuedAt: Date
    package var issuedOn: String
    package var issuedBy: String
    package var revokedAt: Date?
    package var revokedBy = ""
    package var revokeReason = ""

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, number, destination, species, breed, sex, registration, results, notes
        case animalId = "animal_id"
        case destinationId = "destination_id"
        case customerId = "customer_id"
        case validityDays = "validity_days"
        case animalName = "animal_name"
        case validUntil = "valid_until"
        case issuedAt = "issued_at"
        case issuedOn = "issued_on"
        case issuedBy = "issued_by"
        case revokedAt = "revoked_at"
        case revokedBy = "revoked_by"
        case revokeReason = "revoke_reason"
    }

    /// One verified result a health certificate rests on.
    package struct Result: Codable, Sendable, Equatable {
        package let code: String
        package let test: String
        package let value: Double?
        package let unit: String
        package let low: Double?
        package let high: Double?
        package let sampleCode: String
        package let sampledOn: String
        package let analysisId: Int64
        package let verifiedBy: [String]

        package enum CodingKeys: String, CodingKey {
            case code, test, value, unit, low, high
            case sampleCode = "sample_code"
            case sampledOn = "sampled_on"
            case analysisId = "analysis_id"
            case verifiedBy = "verified_by"
        }
    }

    package var decodedResults: [Result] {
        (try? JSONDecoder().decode([Result].self, from: Data(results.utf8))) ?? []
    }
}
