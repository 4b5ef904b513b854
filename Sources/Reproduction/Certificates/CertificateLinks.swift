import GRDB
import LabBoxServer

extension RecordLinks {
    /// The embryo certificates of a straw, newest first: the one in force and those revoked.
    package static let sampleCertificates = RecordLinks(
        key: "embryo-certificates", title: "Embryo certificates", permission: .reproductionRead,
        seeAll: { "/certificates/embryos?sample_id=\($0)" },
        load: { db, id, limit, _ in
            try embryoCertificates(db, condition: "sample_id = ?1", id: id, limit: limit)
        })

    /// The embryo certificates naming an animal as donor or sire, newest first.
    package static let animalEmbryoCertificates = RecordLinks(
        key: "embryo-certificates", title: "Embryo certificates", permission: .reproductionRead,
        seeAll: { "/certificates/embryos?animal_id=\($0)" },
        load: { db, id, limit, _ in
            try embryoCertificates(db, condition: "donor_id = ?1 OR sire_id = ?1", id: id, limit: limit)
        })

    /// An animal's export health certificates, newest first.
    package static let animalHealthCertificates = RecordLinks(
        key: "health-certificates", title: "Health certificates", permission: .reproductionRead,
        seeAll: { "/certificates/health?animal_id=\($0)" },
        load: { db, id, limit, _ in
            let total =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM health_certificates WHERE animal_id = ?", arguments: [id])
                ?? 0
            let items = try HealthCertificate.fetchAll(
                db, sql: "SELECT * FROM health_certificates WHERE animal_id = ? ORDER BY id DESC LIMIT ?",
                arguments: [id, limit]
            ).map { certificate in
                Item(
                    href: "/certificates/health/\(certificate.id ?? 0)", label: certificate.number,
                    detail: [
                        certificate.destination, "issued \(certificate.issuedOn)",
                        certificate.revokedAt == nil ? "valid until \(certificate.validUntil)" : "revoked",
                    ].joined(separator: " · "))
            }
            return (total, items)
        })

    private static func embryoCertificates(_ db: Database, condition: String, id: Int64, limit: Int) throws
        -> (total: Int, items: [Item])
    {
        let total =
            try Int.fetchOne(db, sql: "SELECT count(*) FROM embryo_certificates WHERE \(condition)", arguments: [id])
            ?? 0
        let items = try EmbryoCertificate.fetchAll(
            db, sql: "SELECT * FROM embryo_certificates WHERE \(condition) ORDER BY id DESC LIMIT ?2",
            arguments: [id, limit]
        ).map { certificate in
            Item(
                href: "/certificates/embryos/\(certificate.id ?? 0)", label: certificate.number,
                detail: [
                    "straw \(certificate.strawCode), IETS \(certificate.iets)", "issued \(certificate.issuedOn)",
                    certificate.revokedAt == nil ? "in force" : "revoked",
                ].joined(separator: " · "))
        }
        return (total, items)
    }
}
