import CustomFields
import Foundation
import GRDB
import Hummingbird
import LabBoxServer
import LabBoxValues

/// Animals as CSV: the export of any filtered list and the import (dry run, then all or none).
/// Identifiers are columns of their own; parents and owners are referred to by id; the export ends
/// with a `cf.<key>` column per custom field.
package struct AnimalCSV: Sendable {
    package let store: AnimalStore

    package static let columns = [
        "species", "name", "sex", "breed", "birth_date", "status", "owner_id", "sire_id", "dam_id", "registration",
        "microchip", "ear_tag", "notes",
    ]

    package static let template = CSVResponse.line([
        "bovine", "Berta", "female", "Holstein", "2021-04-12", "active", "", "", "", "DE0123456789", "",
        "DE 01 234 56789",
        "",
    ])

    /// The export of any animal list, with each animal's identifiers.
    package var export: CSVExport {
        let store = store
        return CSVExport(
            name: "animals", title: "Animal export", permission: .animalsRead, columns: Self.columns,
            more: { try await CustomFieldCSV.columns(store.database, .animal) },
            filter: { request, context in
                try AnimalStore.Filter(ListQuery(request), species: store.species, principal: context.principal)
            },
            count: { try await store.count($0) },
            rows: { filter, after, limit, more in
                try await store.database.read { db in
                    let animals = try store.page(db, filter, after: KeysetPosition(id: after), limit: limit).items
                    let custom = try CustomFieldCSV.cells(db, .animal, ids: animals.compactMap(\.id), columns: more)
                    return try animals.map { animal in
                        let identifiers = try AnimalStore.identifiers(db, animalID: animal.id ?? 0)
                        let of = { (kind: AnimalIdentifier.Kind) in
                            identifiers.filter { $0.type == kind }.map(\.value).joined(separator: "; ")
                        }
                        return (
                            animal.id ?? 0,
                            [
                                animal.species, animal.name, animal.sex.rawValue, animal.breed, animal.birthDate ?? "",
                                animal.status.rawValue, animal.ownerId.map(String.init) ?? "",
                                animal.sireId.map(String.init) ?? "", animal.damId.map(String.init) ?? "",
                                of(.registration), of(.microchip), of(.earTag), animal.notes,
                            ] + (custom[animal.id ?? 0] ?? [])
                        )
                    }
                }
            })
    }

    package struct Row: Sendable {
        package let animal: Animal
        package let identifiers: [AnimalStore.Identifier]
    }

    package var importer: CSVImport<Row> {
        let store = store
        return CSVImport(
            columns: Self.columns, required: ["species"],
            validate: { row, db, seen, number in
                func text(_ name: String) -> String? { row[name].flatMap { $0.isEmpty ? nil : $0 } }
                func id(_ name: String) throws -> Int64? {
                    guard let value = text(name) else { return nil }
                    guard let id = Int64(value) else {
                        throw APIError.validationFailed("\(name) must be an id.", field: name)
                    }
                    return id
                }
                let identifiers = AnimalIdentifier.Kind.allCases.flatMap { kind in
                    (row[kind.rawValue] ?? "").split(separator: ";").map {
                        AnimalStore.Identifier(type: kind, value: $0.trimmingCharacters(in: .whitespaces))
                    }.filter { !$0.value.isEmpty }
                }
                let input = AnimalStore.Input(
                    species: text("species"), name: row["name"], sex: text("sex"), breed: row["breed"],
                    birthDate: row["birth_date"].map { SpreadsheetDate.day($0) ?? $0 }, notes: row["notes"],
                    ownerId: try id("owner_id"),
                    status: text("status"),
                    sireId: try id("sire_id"), damId: try id("dam_id"), identifiers: identifiers, reason: nil)
                let now = Date()
                var animal = Animal(
                    id: nil, species: "", name: "", sex: .unknown, breed: "", birthDate: nil, notes: "", ownerId: nil,
                    status: .active, sireId: nil, damId: nil, createdAt: now, updatedAt: now, deletedAt: nil)
                try store.apply(input, to: &animal, db: db)
                for identifier in identifiers {
                    let key = "\(animal.species)|\(identifier.type.rawValue)|\(identifier.value)"
                    if let first = seen[key] {
                        throw APIError.validationFailed(
                            "The \(identifier.type.rawValue) \(identifier.value) repeats row \(first).",
                            field: identifier.type.rawValue)
                    }
                    seen[key] = number
                    let taken = try AnimalIdentifier.filter(
                        AnimalIdentifier.CodingKeys.species == animal.species
                            && AnimalIdentifier.CodingKeys.type == identifier.type
                            && AnimalIdentifier.CodingKeys.value == identifier.value
                    ).isEmpty(db)
                    if !taken {
                        throw APIError.validationFailed(
                            "Another \(animal.species) has the \(identifier.type.rawValue) \(identifier.value).",
                            field: identifier.type.rawValue)
                    }
                }
                return Row(animal: animal, identifiers: identifiers)
            },
            insert: { rows, write in
                for row in rows {
                    var animal = row.animal
                    try write.insert(&animal, action: "animal.import")
                    try store.setIdentifiers(row.identifiers, of: animal, in: write)
                }
            })
    }

    package init(store: AnimalStore) {
        self.store = store
    }
}
