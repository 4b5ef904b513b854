import LabBoxServer

extension SQLExport {
    /// Every item in the store, where it is and whose it is.
    package static let storageInventory = SQLExport(
        name: "inventory", title: "Storage inventory export", noun: "the storage inventory",
        permission: .storageRead,
        from: """
            samples s JOIN storage_containers c ON c.id = s.container_id LEFT JOIN animals a ON a.id = s.animal_id
            """, key: "s.id",
        columns: [
            ("sample_id", "s.id"), ("external_id", "s.external_id"), ("species", "s.species"), ("kind", "s.kind"),
            ("status", "s.status"), ("container_id", "s.container_id"), ("container", "c.name"),
            ("position", "s.position"), ("doses", "s.doses"), ("animal_id", "s.animal_id"), ("animal", "a.name"),
            ("owner_id", "a.owner_id"),
        ],
        filters: [
            .init(
                "container_id", "A container: what is in it or in any container inside it (a tank's goblets).",
                .id(table: "storage_containers"),
                condition: """
                    s.container_id IN (WITH RECURSIVE inside(id) AS (SELECT ? UNION ALL
                    SELECT c.id FROM storage_containers c JOIN inside ON c.parent_id = inside.id) SELECT id FROM inside)
                    """),
            .init(
                "owner_id", "The customer owning the items' animals.", .id(table: "customers"),
                condition: "a.owner_id = ?"),
        ])
}
