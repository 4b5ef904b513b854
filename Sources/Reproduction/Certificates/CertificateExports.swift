import LabBoxServer

extension SQLExport {
    /// Embryo certificates as issued, one row each, for breed registries' imports: the same
    /// fields as the printed certificate, filtered like the list.
    package static let embryoCertificates = SQLExport(
        name: "embryo-certificates", title: "Embryo certificate export", noun: "embryo certificates",
        permission: .reproductionRead, from: "embryo_certificates c", key: "c.id",
        columns: [
            ("number", "c.number"), ("issued_on", "c.issued_on"), ("straw_code", "c.straw_code"),
            ("species", "c.species"), ("donor_name", "c.donor_name"), ("donor_breed", "c.donor_breed"),
            ("donor_registration", "c.donor_registration"), ("sire_name", "c.sire_name"),
            ("sire_breed", "c.sire_breed"), ("sire_registration", "c.sire_registration"), ("origin", "c.origin"),
            ("produced_on", "c.produced_on"), ("stage", "c.stage"), ("grade", "c.grade"),
            ("embryos_per_straw", "c.embryos_per_straw"), ("freezing_method", "c.freezing_method"),
            ("cryoprotectant", "c.cryoprotectant"), ("frozen_on", "c.frozen_on"),
            ("freezing_centre", "c.freezing_centre"), ("approval_number", "c.approval_number"),
            ("customer_id", "c.customer_id"), ("issued_by", "c.issued_by"),
            ("revoked_at", "c.revoked_at"), ("revoke_reason", "c.revoke_reason"),
        ],
        filters: [
            .init("from", "Issued on or after this day.", .day, condition: "c.issued_on >= ?"),
            .init("to", "Issued on or before this day.", .day, condition: "c.issued_on <= ?"),
            .init(
                "customer_id", "The customer (the donor's owner when it was issued).", .id(table: "customers"),
                condition: "c.customer_id = ?"),
            .init(
                "status", "In force or revoked.", .choice(["in_force", "revoked"]),
                condition: "(c.revoked_at IS NULL) = (? = 'in_force')"),
        ])
}
