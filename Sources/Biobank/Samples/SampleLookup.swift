import GRDB
import LabBoxPlatform
import LabBoxServer

extension SampleStore {
    /// Samples for a picker: one whose barcode (external id) is exactly `words` or whose id it is,
    /// then, newest first, those whose barcode starts with the words and those of the animals whose
    /// name starts with them (a sire's semen straws by his name). `kind` narrows to one kind;
    /// `available` to samples not yet shipped, used or discarded.
    package func lookup(_ words: String, kind: String?, available: Bool) async throws -> ItemList<Lookup.Match> {
        try await database.read { db in
            var offered: SQL = "1"
            if let kind { offered = "kind = \(kind)" }
            if available { offered = "\(offered) AND status NOT IN ('shipped', 'used', 'discarded')" }
            let exact = try SQLRequest<Sample>(
                literal:
                    "SELECT * FROM samples WHERE (external_id = \(words) OR id = \(Lookup.id(words))) AND \(offered)"
            ).fetchAll(db)
            // Two index range scans rather than one OR: barcodes as typed and in capitals, which is
            // how labels print them (GLOB keeps the barcode index, where LIKE's case folding would not).
            let prefixes = Set([words, words.uppercased()]).map { Self.globPrefix($0) }
            var others = try prefixes.flatMap { prefix in
                try SQLRequest<Sample>(
                    literal: """
                        SELECT * FROM samples WHERE external_id GLOB \(prefix) AND \(offered)
                        ORDER BY external_id LIMIT \(Lookup.limit)
                        """
                ).fetchAll(db)
            }
            if let match = SearchIndex.matchExpression(words) {
                others += try SQLRequest<Sample>(
                    literal: """
                        SELECT * FROM samples
                        WHERE animal_id IN (SELECT rowid FROM animals_fts WHERE animals_fts MATCH \(match) LIMIT 50)
                          AND \(offered)
                        ORDER BY id DESC LIMIT \(Lookup.limit)
                        """
                ).fetchAll(db)
            }
            others.sort { ($0.id ?? 0) > ($1.id ?? 0) }
            let names = try Self.animalNames(db, (exact + others).compactMap(\.animalId))
            return Lookup.ranked(
                exact: try exact.map { try Self.match($0, names: names, exact: true, db) },
                others: try others.prefix(Lookup.limit * 2).map { try Self.match($0, names: names, exact: false, db) })
        }
    }

    /// `text*` for GLOB with the pattern characters in `text` taken literally.
    private static func globPrefix(_ text: String) -> String {
        text.map { "*?[".contains($0) ? "[\($0)]" : String($0) }.joined() + "*"
    }

    private static func animalNames(_ db: Database, _ ids: [Int64]) throws -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try Row.fetchAll(
            db, sql: "SELECT id, name FROM animals WHERE id IN (\(databaseQuestionMarks(count: ids.count)))",
            arguments: StatementArguments(ids))
        return Dictionary(rows.map { ($0["id"], $0["name"]) }, uniquingKeysWith: { first, _ in first })
    }

    /// "BRUNO-20260301-C4-12" with "Bruno · semen · stored, Tank 3 / C2 / G1 / 4": what a
    /// technician checks before taking a straw out.
    private static func match(_ sample: Sample, names: [Int64: String], exact: Bool, _ db: Database) throws
        -> Lookup.Match
    {
        var state = sample.status.label.lowercased()
        if let container = sample.containerId {
            state += ", " + (try StorageStore.address(db, container: container, position: sample.position))
        }
        let animal = sample.animalId.map { names[$0] ?? "animal #\($0)" }
        return Lookup.Match(
            id: sample.id ?? 0, label: sample.externalId,
            detail: ([animal, sample.kind, state].compactMap { $0 }).joined(separator: " · "), exact: exact)
    }
}
