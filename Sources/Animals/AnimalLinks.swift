import GRDB
import LabBoxServer

extension RecordLinks {
    /// A customer's animals (not deleted), by name; all of them in the animal list's owner filter.
    package static let customerAnimals = RecordLinks(
        key: "animals", title: "Animals", permission: .animalsRead, seeAll: { "/animals?owner_id=\($0)" },
        select: "id, name, species, breed, sex", from: "FROM animals WHERE owner_id = ? AND deleted_at IS NULL",
        order: "name, id",
        item: { row, _ in
            let animal: Int64 = row["id"]
            let name: String = row["name"]
            let facts: [String] = [row["species"], row["breed"], row["sex"]]
            return Item(
                href: "/animals/\(animal)", label: name.isEmpty ? "Animal #\(animal)" : name,
                detail: facts.filter { !$0.isEmpty }.joined(separator: ", "))
        })
}
