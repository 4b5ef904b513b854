import Biobank
import GRDB
import LabBoxPlatform
import LabBoxServer

extension EmbryoStore {
    /// Embryos for a picker: one whose code or straw barcode is exactly `words` (a scanned straw)
    /// or whose id it is, then those whose code or donor's name starts with the words, newest first.
    /// `transferable` keeps to what a transfer may take: in culture or frozen, and not grade 4.
    package func lookup(_ words: String, transferable: Bool) async throws -> ItemList<Lookup.Match> {
        try await database.read { db in
            let offered = transferable ? "e.fate IN ('in_culture', 'frozen') AND e.grade < 4" : "1"
            let exact = try Embryo.fetchAll(
                db,
                sql: """
                    SELECT e.* FROM embryos e LEFT JOIN samples s ON s.id = e.sample_id
                    WHERE (e.code = :words OR s.external_id = :words OR e.id = :id) AND \(offered)
                    """, arguments: ["words": words, "id": Lookup.id(words)])
            // The code as typed so far, or the donor's name words (the animals' search index).
            var donors: SQL = ""
            if let match = SearchIndex.matchExpression(words) {
                donors = "OR e.donor_id IN (SELECT rowid FROM animals_fts WHERE animals_fts MATCH \(match))"
            }
            let others = try SQLRequest<Embryo>(
                literal: SQL(
                    """
                    SELECT e.* FROM embryos e
                    WHERE (substr(e.code, 1, length(\(words))) = \(words) COLLATE NOCASE \(donors)) AND \(sql: offered)
                    ORDER BY e.id DESC LIMIT \(Lookup.limit)
                    """)
            ).fetchAll(db)
            let names = try Breeding.animalNames(db, (exact + others).flatMap { [$0.donorId, $0.sireId] })
            func match(_ embryo: Embryo, exact: Bool) throws -> Lookup.Match {
                try Self.match(embryo, names: names, exact: exact, db)
            }
            return Lookup.ranked(
                exact: try exact.map { try match($0, exact: true) },
                others: try others.map { try match($0, exact: false) })
        }
    }

    /// "D12-E03 · 7-1" with "Daisy × Bruno · bovine · frozen, Tank 3 / C2 / G1 / 4": what a
    /// technician checks before thawing a straw.
    private static func match(_ embryo: Embryo, names: [Int64: String], exact: Bool, _ db: Database) throws
        -> Lookup.Match
    {
        var state = embryo.fate.label
        if embryo.fate == .frozen {
            let straw = try straw(db, of: embryo)
            state +=
                ", "
                + (try straw?.containerId.map {
                    try StorageStore.address(db, container: $0, position: straw?.position)
                } ?? "not in storage")
        } else if embryo.fate == .inCulture {
            state = "fresh, day \(embryo.day)"
        }
        let origin = "\(names[embryo.donorId] ?? "?") × \(names[embryo.sireId] ?? "?")"
        return Lookup.Match(
            id: embryo.id ?? 0, label: "\(embryo.code) · \(embryo.iets)",
            detail: [origin, embryo.species, state].joined(separator: " · "), exact: exact)
    }
}
