import Foundation
import GRDB
import Hummingbird

/// An animal's ancestors, a few generations deep, and its offspring.
package struct Pedigree: ResponseEncodable, Sendable {
    package final class Node: Encodable, Sendable {
        package let id: Int64
        package let name: String
        package let sex: Animal.Sex
        package let breed: String
        package let sire: Node?
        package let dam: Node?

        package init(_ animal: Animal, sire: Node?, dam: Node?) {
            (id, name, sex, breed) = (animal.id ?? 0, animal.name, animal.sex, animal.breed)
            (self.sire, self.dam) = (sire, dam)
        }

        package enum CodingKeys: String, CodingKey { case id, name, sex, breed, sire, dam }

        package func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(sex, forKey: .sex)
            try container.encode(breed, forKey: .breed)
            try container.encode(sire, forKey: .sire)
            try container.encode(dam, forKey: .dam)
        }
    }

    package struct Offspring: Encodable, Sendable {
        package let id: Int64
        package let name: String
        package let sex: Animal.Sex
        package let birthDate: String?

        package enum CodingKeys: String, CodingKey {
            case id, name, sex
            case birthDate = "birth_date"
        }
    }

    package let generations: Int
    package let root: Node
    package let offspring: [Offspring]

    /// The pedigree of `id`, `generations` deep (the animal itself is generation 0).
    package static func load(_ db: Database, id: Int64, generations: Int) throws -> Pedigree? {
        guard let animal = try Animal.fetchOne(db, key: id) else { return nil }
        let ancestors = try Animal.fetchAll(
            db,
            sql: """
                WITH RECURSIVE line(id, depth) AS (
                    SELECT sire_id, 1 FROM animals WHERE id = :id AND sire_id IS NOT NULL
                    UNION ALL SELECT dam_id, 1 FROM animals WHERE id = :id AND dam_id IS NOT NULL
                    UNION SELECT parent.id, line.depth + 1 FROM line
                        JOIN animals child ON child.id = line.id
                        JOIN animals parent ON parent.id IN (child.sire_id, child.dam_id)
                        WHERE line.depth < :generations)
                SELECT DISTINCT animals.* FROM animals JOIN line ON animals.id = line.id
                """, arguments: ["id": id, "generations": generations])
        let byID = Dictionary(ancestors.map { ($0.id ?? 0, $0) }) { first, _ in first }
        func node(_ animal: Animal, depth: Int) -> Node {
            guard depth < generations else { return Node(animal, sire: nil, dam: nil) }
            let parent = { (parentID: Int64?) in parentID.flatMap { byID[$0] }.map { node($0, depth: depth + 1) } }
            return Node(animal, sire: parent(animal.sireId), dam: parent(animal.damId))
        }
        let children = try Animal.filter(
            (Animal.CodingKeys.sireId == id || Animal.CodingKeys.damId == id) && Animal.CodingKeys.deletedAt == nil
        ).order(Animal.CodingKeys.birthDate, Animal.CodingKeys.id).fetchAll(db)
        return Pedigree(
            generations: generations, root: node(animal, depth: 0),
            offspring: children.map { Offspring(id: $0.id ?? 0, name: $0.name, sex: $0.sex, birthDate: $0.birthDate) })
    }
}
