import GRDB
import LabBoxServer

extension AnimalStore {
    /// Animals for a picker: one whose registration number, microchip or ear tag is exactly
    /// `words` (what a scanner reads) or whose id it is, then those whose name, breed or codes start
    /// with the words. Deleted animals are never offered; `sex` narrows to donors or sires.
    package func lookup(_ words: String, sex: Animal.Sex?) async throws -> ItemList<Lookup.Match> {
        try await database.read { db in
            let coded = try Int64.fetchAll(
                db, sql: "SELECT animal_id FROM animal_identifiers WHERE value = ? LIMIT ?",
                arguments: [words, Lookup.limit])
            let exact = try Animal.fetchAll(db, keys: coded + (Lookup.id(words).map { [$0] } ?? []))
            let filter = Filter(sex: sex, text: words)
            let others = try page(db, filter, after: nil, limit: Lookup.limit).items
            func offered(_ animal: Animal) -> Bool { animal.deletedAt == nil && (sex == nil || animal.sex == sex) }
            return Lookup.ranked(
                exact: try exact.filter(offered).map { try Self.match($0, exact: true, db) },
                others: try others.map { try Self.match($0, exact: false, db) })
        }
    }

    /// "Bella" with "cattle · Holstein · female · ear_tag DE0123" — what tells two Bellas apart.
    private static func match(_ animal: Animal, exact: Bool, _ db: Database) throws -> Lookup.Match {
        let id = animal.id ?? 0
        let codes = try identifiers(db, animalID: id).map {
            "\($0.type.rawValue.replacingOccurrences(of: "_", with: " ")) \($0.value)"
        }
        let detail = ([animal.species, animal.breed, animal.sex.rawValue] + codes).filter { !$0.isEmpty }
        return Lookup.Match(id: id, label: animal.label, detail: detail.joined(separator: " · "), exact: exact)
    }
}
