import LabBoxServer

extension SQLExport {
    /// Each animal's genotype per panel: the summary and the calls' SHA-256, not the calls (the
    /// animal's genotype download has those).
    package static let genotypes = SQLExport(
        name: "genotypes", title: "Genotype export", noun: "genotypes", permission: .genomicsRead,
        from: "genotypes g JOIN genotype_panels p ON p.id = g.panel_id JOIN animals a ON a.id = g.animal_id",
        key: "g.id",
        columns: [
            ("id", "g.id"), ("animal_id", "g.animal_id"), ("animal", "a.name"), ("panel", "p.name"),
            ("markers_typed", "g.markers_typed"), ("markers_called", "g.markers_called"), ("source", "g.source"),
            ("imported_at", "g.imported_at"), ("calls_sha256", "g.calls_sha256"),
        ],
        filters: [
            .init("animal_id", "The animal's id.", .id(table: "animals"), condition: "g.animal_id = ?"),
            .init("panel_id", "The panel's id.", .id(table: "genotype_panels"), condition: "g.panel_id = ?"),
        ])
}
