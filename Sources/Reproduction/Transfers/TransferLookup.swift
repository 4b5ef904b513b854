import GRDB
import LabBoxPlatform
import LabBoxServer

extension TransferStore {
    /// Transfers for a picker (a task about a transfer): the one whose id is `words` and the newest
    /// into the recipient whose ear tag, microchip or registration number it is, then the newest whose
    /// recipient's name, breed or identifiers start with the words.
    package func lookup(_ words: String) async throws -> ItemList<Lookup.Match> {
        try await database.read { db in
            let exact = try Self.matches(
                db,
                literal: """
                    t.id = \(Lookup.id(words))
                    OR t.recipient_id IN (SELECT animal_id FROM animal_identifiers WHERE value = \(words))
                    """, exact: true)
            guard let match = SearchIndex.matchExpression(words) else { return Lookup.ranked(exact: exact, others: []) }
            let others = try Self.matches(
                db, literal: "t.recipient_id IN (SELECT rowid FROM animals_fts WHERE animals_fts MATCH \(match))",
                exact: false)
            return Lookup.ranked(exact: exact, others: others)
        }
    }

    private static func matches(_ db: Database, literal condition: SQL, exact: Bool) throws -> [Lookup.Match] {
        let rows = try Row.fetchAll(
            db,
            SQLRequest(
                literal: """
                    SELECT t.id, t.transferred_on, a.name FROM transfers t JOIN animals a ON a.id = t.recipient_id
                    WHERE \(condition) ORDER BY t.id DESC LIMIT \(Lookup.limit)
                    """))
        return rows.map { row in
            let id: Int64 = row[0]
            return Lookup.Match(
                id: id, label: "Transfer #\(id)", detail: "\(row[2] as String) · \(row[1] as String)", exact: exact)
        }
    }
}
