import CustomFields
import Foundation
import GRDB
import LabBoxPlatform

/// Custom fields as a lab's admin would add them (decision 0043): a coat colour on every animal,
/// a withers height on cattle and a collection site on samples, with coat colours on the first
/// animals, so their forms, pages, search and exports show some.
package struct DemoCustomFields {
    package let store: CustomFieldStore

    package func generate(context: EventContext) async throws -> String {
        let fields: [CustomFieldStore.Input] = [
            .init(
                entityType: "animal", key: "coat", label: "Coat colour", kind: "choice",
                choices: ["black", "black and white", "red", "red and white"], position: 1),
            .init(
                entityType: "animal", species: "bovine", key: "height", label: "Withers height", kind: "number",
                unit: "cm", minimum: 50, maximum: 250, position: 2),
            .init(entityType: "sample", key: "site", label: "Collection site", kind: "text", maxLength: 100),
        ]
        for field in fields { _ = try await store.create(field, context: context) }
        let colours = ["black", "black and white", "red", "red and white"]
        let animals = try await store.database.write(context) { write in
            let animals = try Row.fetchAll(write.db, sql: "SELECT id, species FROM animals ORDER BY id LIMIT 40")
            for (index, row) in animals.enumerated() {
                try CustomValues.save(
                    ["coat": .text(colours[index % colours.count])], entity: .animal, id: row["id"],
                    species: row["species"], creating: false, in: write)
            }
            return animals.count
        }
        return "\(fields.count) custom fields, coat colours on \(animals) animals"
    }
}
