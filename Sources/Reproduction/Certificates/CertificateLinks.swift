import GRDB
import LabBoxServer

extension RecordLinks {
    /// The embryo certificates of a straw, newest first: the one in force and those revoked.
    package static let sampleCertificates = embryoCertificates(
        condition: "sample_id = ?1", seeAll: { "/certificates/embryos?sample_id=\($0)" })

    /// The embryo certificates naming an animal as donor or sire, newest first.
    package static let animalEmbryoCertificates = embryoCertificates(
        condition: "donor_id = ?1 OR sire_id = ?1", seeAll: { "/certificates/embryos?animal_id=\($0)" })

    /// An animal's export health certificates, newest first.
    package static let animalHealthCertificates = RecordLinks(
        key: "health-certificates", title: "Health certificates", permission: .reproductionRead,
        seeAll: { "/certificates/health?animal_id=\($0)" }, select: "*",
        from: "FROM health_certificates WHERE animal_id = ?", order: "id DESC",
        item: { row, _ in
            let certificate = try HealthCertificate(row: row)
            return Item(
                href: "/certificates/health/\(certificate.id ?? 0)", label: certificate.number,
                detail: [
                    certificate.destination, "issued \(certificate.issuedOn)",
                    certificate.revokedAt == nil ? "valid until \(certificate.validUntil)" : "revoked",
                ].joined(separator: " · "))
        })

    private static func embryoCertificates(condition: String, seeAll: @escaping @Sendable (Int64) -> String)
        -> RecordLinks
    {
        RecordLinks(
            key: "embryo-certificates", title: "Embryo certificates", permission: .reproductionRead,
            seeAll: seeAll, select: "*", from: "FROM embryo_certificates WHERE \(condition)", order: "id DESC",
            item: { row, _ in
                let certificate = try EmbryoCertificate(row: row)
                return Item(
                    href: "/certificates/embryos/\(certificate.id ?? 0)", label: certificate.number,
                    detail: [
                        "straw \(certificate.strawCode), IETS \(certificate.iets)", "issued \(certificate.issuedOn)",
                        certificate.revokedAt == nil ? "in force" : "revoked",
                    ].joined(separator: " · "))
            })
    }
}
