import CustomFields
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import SwiftCSV

/// Samples as CSV: the export of any filtered list, and the import with a dry run that checks
/// every row before anything is written.
package struct SampleCSV: Sendable {
    package let store: SampleStore

    package static let columns = [
        "external_id", "species", "kind", "status", "animal_id", "collected_at", "collected_by", "quantity", "unit",
        "doses", "notes",
    ]
    package static let required: Set = ["external_id", "species", "kind", "collected_at"]

    package static func values(_ sample: Sample) -> [String] {
        [
            sample.externalId, sample.species, sample.kind, sample.status.rawValue,
            sample.animalId.map(String.init) ?? "", sample.collectedAt.formatted(.iso8601), sample.collectedBy,
            sample.quantity.map { String($0) } ?? "", sample.unit, sample.doses.map(String.init) ?? "", sample.notes,
        ]
    }

    package static let template = CSVResponse.line([
        "BULL-0042-S1", "bovine", "semen", "received", "", "2026-03-01T09:30:00Z", "Dr. Weiss", "0.25", "mL", "1",
        "",
    ])

    /// The export of any sample list, its filters being the days of the lab's calendar `days`.
    package func export(days: LabTime) -> CSVExport {
        let store = store
        return CSVExport(
            name: "samples", title: "Sample export", permission: .samplesRead, columns: Self.columns,
            more: { try await CustomFieldCSV.columns(store.database, .sample) },
            filter: { request, _ in
                let filter = try SampleStore.Filter(
                    ListQuery(request), species: store.species, kinds: store.kinds, days: days)
                try await store.check(filter)
                return filter
            },
            count: { try await store.count($0) },
            rows: { filter, after, limit, more in
                let items = try await store.list(filter, after: KeysetPosition(id: after), limit: limit).items
                let custom = try await store.database.read { db in
                    try CustomFieldCSV.cells(db, .sample, ids: items.compactMap(\.id), columns: more)
                }
                return items.map { ($0.id ?? 0, Self.values($0) + (custom[$0.id ?? 0] ?? [])) }
            })
    }

    // MARK: Import

    /// Rows become samples exactly as the API's create makes them; external ids must be new.
    package var importer: CSVImport<Sample> {
        let store = store
        return CSVImport(
            columns: Self.columns, required: Self.required,
            validate: { row, db, seen, number in
                let input = try Self.input(row).get()
                let now = Date()
                var sample = Sample(
                    id: nil, externalId: "", species: "", kind: "", status: .received, animalId: nil,
                    collectedAt: now, notes: "", createdAt: now, updatedAt: now)
                try store.apply(input, to: &sample, db: db)
                if let first = seen[sample.externalId] {
                    throw APIError.validationFailed("external_id repeats row \(first).", field: "external_id")
                }
                seen[sample.externalId] = number
                if try SampleStore.externalIdTaken(sample.externalId, db: db) {
                    throw APIError.validationFailed("A sample with this external id exists.", field: "external_id")
                }
                return sample
            },
            insert: { samples, write in
                var samples = samples
                try write.insertAll(&samples, action: "sample.import")
            })
    }

    /// One row as the store's input, or the problem with it.
    package static func input(_ row: [String: String]) -> Result<SampleStore.Input, APIError> {
        func text(_ name: String) -> String? { row[name].flatMap { $0.isEmpty ? nil : $0 } }
        func number<T: LosslessStringConvertible>(_ name: String, _: T.Type) -> Result<T?, APIError> {
            guard let value = text(name) else { return .success(nil) }
            guard let parsed = T(value.replacingOccurrences(of: ",", with: ".")) else {
                return .failure(APIError.validationFailed("\(name) must be a number.", field: name))
            }
            return .success(parsed)
        }
        do {
            var collected = text("collected_at")
            if let raw = collected {
                guard let normalised = SpreadsheetDate.timestamp(raw) else {
                    throw APIError.validationFailed("collected_at \"\(raw)\" is not a date.", field: "collected_at")
                }
                collected = normalised
            }
            var status: Sample.Status?
            if let raw = text("status") {
                guard let value = Sample.Status(rawValue: raw) else {
                    throw APIError.validationFailed("Unknown status \"\(raw)\".", field: "status")
                }
                status = value
            }
            return .success(
                SampleStore.Input(
                    externalId: row["external_id"], species: text("species"), kind: text("kind"), status: status,
                    animalId: try number("animal_id", Int64.self).get(), collectedAt: collected, notes: row["notes"],
                    collectedBy: text("collected_by"), quantity: try number("quantity", Double.self).get(),
                    unit: text("unit"), doses: try number("doses", Int.self).get()))
        } catch let error as APIError {
            return .failure(error)
        } catch {
            return .failure(APIError.validationFailed("\(error)", field: "file"))
        }
    }

    package init(store: SampleStore) {
        self.store = store
    }
}
