import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The certificate store's reads: one certificate as issued with its customer's name, and the
/// lists registries and the export office filter by day and customer.
extension CertificateStore {
    /// An embryo certificate with its customer's name (read, never copied) and whether it is in force.
    package struct EmbryoDetail: Encodable, Sendable, ResponseEncodable {
        package let certificate: EmbryoCertificate
        package let customer: String?

        package enum CodingKeys: String, CodingKey {
            case customer, iets
            case inForce = "in_force"
        }

        package func encode(to encoder: Encoder) throws {
            try certificate.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(customer, forKey: .customer)
            try container.encode(certificate.iets, forKey: .iets)
            try container.encode(certificate.revokedAt == nil, forKey: .inForce)
        }
    }

    /// A health certificate with its results as JSON, its customer's name and whether it is in force.
    package struct HealthDetail: Encodable, Sendable, ResponseEncodable {
        package let certificate: HealthCertificate
        package let customer: String?

        package enum CodingKeys: String, CodingKey {
            case id, number, destination, species, breed, sex, registration, results, notes, customer
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
            case inForce = "in_force"
        }

        package func encode(to encoder: Encoder) throws {
            let c = certificate
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(c.id, forKey: .id)
            try container.encode(c.number, forKey: .number)
            try container.encode(c.animalId, forKey: .animalId)
            try container.encode(c.destinationId, forKey: .destinationId)
            try container.encode(c.customerId, forKey: .customerId)
            try container.encode(customer, forKey: .customer)
            try container.encode(c.destination, forKey: .destination)
            try container.encode(c.validityDays, forKey: .validityDays)
            try container.encode(c.animalName, forKey: .animalName)
            try container.encode(c.species, forKey: .species)
            try container.encode(c.breed, forKey: .breed)
            try container.encode(c.sex, forKey: .sex)
            try container.encode(c.registration, forKey: .registration)
            try container.encode(c.decodedResults, forKey: .results)
            try container.encode(c.validUntil, forKey: .validUntil)
            try container.encode(c.notes, forKey: .notes)
            try container.encode(c.issuedAt, forKey: .issuedAt)
            try container.encode(c.issuedOn, forKey: .issuedOn)
            try container.encode(c.issuedBy, forKey: .issuedBy)
            try container.encode(c.revokedAt, forKey: .revokedAt)
            try container.encode(c.revokedBy, forKey: .revokedBy)
            try container.encode(c.revokeReason, forKey: .revokeReason)
            try container.encode(c.revokedAt == nil, forKey: .inForce)
        }
    }

    private static func customerName(_ db: Database, _ id: Int64?) throws -> String? {
        try id.flatMap { try String.fetchOne(db, sql: "SELECT name FROM customers WHERE id = ?", arguments: [$0]) }
    }

    package func embryoCertificate(id: Int64) async throws -> EmbryoDetail {
        try await database.read { db in
            guard let certificate = try EmbryoCertificate.fetchOne(db, key: id) else {
                throw APIError.notFound("No embryo certificate has id \(id).")
            }
            return EmbryoDetail(certificate: certificate, customer: try Self.customerName(db, certificate.customerId))
        }
    }

    package func healthCertificate(id: Int64) async throws -> HealthDetail {
        try await database.read { db in
            guard let certificate = try HealthCertificate.fetchOne(db, key: id) else {
                throw APIError.notFound("No health certificate has id \(id).")
            }
            return HealthDetail(certificate: certificate, customer: try Self.customerName(db, certificate.customerId))
        }
    }

    /// What a certificate list is filtered by: issued from and to a day, a customer, an animal
    /// (the donor or sire of an embryo, the animal of a health certificate), a straw.
    package struct Filter: Sendable {
        package var from: String?
        package var to: String?
        package var customerId: Int64?
        package var animalId: Int64?
        package var sampleId: Int64?
        package var inForce: Bool?

        package static let names = ["from", "to", "customer_id", "animal_id", "sample_id", "status"]

        package init(_ query: ListQuery) throws {
            from = try query.day("from")
            to = try query.day("to")
            customerId = try query.id("customer_id")
            animalId = try query.id("animal_id")
            sampleId = try query.id("sample_id")
            inForce = try query.choice("status", in: ["in_force", "revoked"]).map { $0 == "in_force" }
        }

        func apply<R>(to request: QueryInterfaceRequest<R>, animals: [String]) -> QueryInterfaceRequest<R> {
            var request = request
            if let from { request = request.filter(Column("issued_on") >= from) }
            if let to { request = request.filter(Column("issued_on") <= to) }
            if let customerId { request = request.filter(Column("customer_id") == customerId) }
            if let animalId { request = request.filter(animals.map { Column($0) == animalId }.joined(operator: .or)) }
            if let sampleId { request = request.filter(Column("sample_id") == sampleId) }
            if let inForce {
                request = request.filter(inForce ? Column("revoked_at") == nil : Column("revoked_at") != nil)
            }
            return request
        }
    }

    /// Embryo certificates, newest first, one page, each with its customer's name.
    package func embryoCertificates(_ filter: Filter, after: KeysetPosition?, limit: Int) async throws
        -> (items: [EmbryoDetail], next: KeysetPosition?)
    {
        try await database.read { db in
            let page = try filter.apply(to: EmbryoCertificate.all(), animals: ["donor_id", "sire_id"])
                .page(db, order: ListOrder(column: "id", descending: true), after: after, limit: limit)
            let names = try Self.customerNames(db, page.items.compactMap(\.customerId))
            return (
                page.items.map { EmbryoDetail(certificate: $0, customer: $0.customerId.flatMap { names[$0] }) },
                page.next
            )
        }
    }

    /// Health certificates, newest first, one page.
    package func healthCertificates(_ filter: Filter, after: KeysetPosition?, limit: Int) async throws
        -> (items: [HealthDetail], next: KeysetPosition?)
    {
        var filter = filter
        filter.sampleId = nil
        return try await database.read { [filter] db in
            let page = try filter.apply(to: HealthCertificate.all(), animals: ["animal_id"])
                .page(db, order: ListOrder(column: "id", descending: true), after: after, limit: limit)
            let names = try Self.customerNames(db, page.items.compactMap(\.customerId))
            return (
                page.items.map { HealthDetail(certificate: $0, customer: $0.customerId.flatMap { names[$0] }) },
                page.next
            )
        }
    }

    private static func customerNames(_ db: Database, _ ids: [Int64]) throws -> [Int64: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT id, name FROM customers WHERE id IN (\(unique.map { _ in "?" }.joined(separator: ",")))",
            arguments: StatementArguments(unique))
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["id"], $0["name"]) })
    }

    /// Every destination, by name (a lab has a handful).
    package func destinations() async throws -> [CertificateDestination] {
        try await database.read { db in try CertificateDestination.order(Column("name")).fetchAll(db) }
    }

    package func destination(id: Int64) async throws -> CertificateDestination {
        try await database.read { db in try Self.destination(db, id: id) }
    }
}
