import GRDB
import LabBoxServer
import LabBoxValues

extension RecordLinks {
    /// The samples of a customer's animals, newest first; all of them in the sample list's owner filter.
    package static let customerSamples = samples(
        key: "samples", title: "Samples", owner: "animal_id IN (SELECT id FROM animals WHERE owner_id = ?)",
        seeAll: "owner_id")

    /// The customer's material in the store (straws, vials): where each one is.
    package static let customerStoredSamples = samples(
        key: "stored", title: "In storage", owner: "animal_id IN (SELECT id FROM animals WHERE owner_id = ?)",
        seeAll: "owner_id", stored: true)

    /// An animal's samples, newest first.
    package static let animalSamples = samples(
        key: "samples", title: "Samples", owner: "animal_id = ?", seeAll: "animal_id")

    /// An animal's straws and vials in the store, with where each one is.
    package static let animalStoredSamples = samples(
        key: "stored", title: "Straws in storage", owner: "animal_id = ?", seeAll: "animal_id", stored: true)

    /// Samples matching `owner` (SQL with one `?`, the record's id), optionally only those stored,
    /// linking to the sample list filtered by `seeAll` (and `status=stored`).
    private static func samples(key: String, title: String, owner: String, seeAll: String, stored: Bool = false)
        -> RecordLinks
    {
        let condition = owner + (stored ? " AND status = 'stored'" : "")
        return RecordLinks(
            key: key, title: title, permission: .samplesRead,
            seeAll: { "/samples?\(seeAll)=\($0)\(stored ? "&status=stored" : "")&sort=-collected_at" },
            load: { db, id, limit, time in
                let total =
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM samples WHERE \(condition)", arguments: [id]) ?? 0
                let samples = try Sample.fetchAll(
                    db,
                    sql: """
                        SELECT \(Sample.selection(of: "samples")) FROM samples WHERE \(condition)
                        ORDER BY collected_at DESC, id DESC LIMIT ?
                        """,
                    arguments: [id, limit])
                let items = try samples.map { sample in
                    let place = try sample.containerId.map {
                        try StorageStore.address(db, container: $0, position: sample.position)
                    }
                    return Item(
                        href: "/samples/\(sample.id ?? 0)", label: sample.externalId,
                        detail: ([
                            "\(sample.species) \(sample.kind)", sample.status.label,
                            "collected \(time.day(sample.collectedAt))",
                        ] + (place.map { [$0] } ?? [])).joined(separator: " · "))
                }
                return (total, items)
            })
    }
}
