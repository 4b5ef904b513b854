import Animals
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Genotype imports and the queries the parentage check needs.
package struct GenotypeStore: Sendable {
    package let database: AppDatabase

    package static let columns = ["marker_id", "allele_1", "allele_2"]
    package static let template = "marker_id,allele_1,allele_2\nBovineHD0100001,A,B\nBovineHD0100002,0,0\n"

    /// What the API and pages show of a genotype: never the calls themselves.
    package struct Summary: Codable, Sendable, FetchableRecord, ResponseEncodable {
        package let id: Int64
        package let animalId: Int64
        package let animalName: String
        package let panel: String
        package let panelMarkers: Int
        package let markersTyped: Int
        package let markersCalled: Int
        package let source: String
        package let importedAt: Date

        /// Called markers ÷ the panel's markers, in percent, one decimal.
        package var callRatePercent: Double {
            panelMarkers == 0 ? 0 : (Double(markersCalled) * 1000 / Double(panelMarkers)).rounded() / 10
        }

        package enum CodingKeys: String, CodingKey {
            case id, panel, source
            case animalId = "animal_id"
            case animalName = "animal_name"
            case panelMarkers = "panel_markers"
            case markersTyped = "markers_typed"
            case markersCalled = "markers_called"
            case importedAt = "imported_at"
        }
    }

    private static let summarySQL = """
        SELECT g.id, g.animal_id, a.name AS animal_name, p.name AS panel,
               (LENGTH(p.markers) - LENGTH(REPLACE(p.markers, CHAR(10), '')) + 1) AS panel_markers,
               g.markers_typed, g.markers_called, g.source, g.imported_at
        FROM genotypes g JOIN genotype_panels p ON p.id = g.panel_id JOIN animals a ON a.id = g.animal_id
        """

    /// One marker's line, checked: the marker id and its two allele bytes (`0` for no call).
    package static func parseRow(_ row: [String: String], number: Int) throws -> (
        marker: String, alleles: (UInt8, UInt8)
    ) {
        let marker = (row["marker_id"] ?? "").trimmingCharacters(in: .whitespaces)
        guard marker.wholeMatch(of: /[A-Za-z0-9_.:\-]{1,64}/) != nil else {
            throw CSVTable.fileProblem(
                "Row \(number): the marker id must be 1 to 64 letters, digits or _ . : -, not \"\(marker)\".")
        }
        var alleles: [UInt8] = []
        for column in ["allele_1", "allele_2"] {
            let text = (row[column] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
            if ["", "0", "-"].contains(text) {
                alleles.append(Genotype.noCall)
            } else if text.utf8.count == 1, let byte = text.utf8.first, Genotype.alleles.contains(byte) {
                alleles.append(byte)
            } else {
                throw CSVTable.fileProblem(
                    "Row \(number) (\(marker)): \(column) must be A, B, C, G, T, I or D, or 0 / - for no call; "
                        + "it is \"\(text)\".")
            }
        }
        guard (alleles[0] == Genotype.noCall) == (alleles[1] == Genotype.noCall) else {
            throw CSVTable.fileProblem("Row \(number) (\(marker)): call both alleles or neither.")
        }
        return (marker, (alleles[0], alleles[1]))
    }

    /// Imports the CSV `text` as the genotype of `animalID` on `panelName`, in one transaction.
    /// Replacing an existing genotype on the same panel needs a reason.
    package func importCSV(
        animalID: Int64, panel panelName: String, text: String, source: String, reason: String?,
        context: EventContext
    ) async throws -> Summary {
        let name = panelName.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(name.count) else {
            throw APIError.invalid("Name the panel (1 to 100 characters), e.g. ISAG bovine 200.", field: "panel")
        }
        let rows = try CSVTable.rows(text, columns: Self.columns, required: Set(Self.columns))
        guard !rows.isEmpty else { throw CSVTable.fileProblem("The file has no markers.") }
        var parsed: [(marker: String, alleles: (UInt8, UInt8))] = []
        parsed.reserveCapacity(rows.count)
        var seen: [String: Int] = [:]
        for (index, row) in rows.enumerated() {
            let line = try Self.parseRow(row, number: index + 2)
            if let first = seen.updateValue(index + 2, forKey: line.marker) {
                throw CSVTable.fileProblem("Row \(index + 2): \(line.marker) is also on row \(first).")
            }
            parsed.append(line)
        }
        let lines = parsed
        let id = try await database.write(context) { write -> Int64 in
            _ = try Animal.live(write.db, id: animalID)
            var panel =
                try GenotypePanel.filter(GenotypePanel.CodingKeys.name == name).fetchOne(write.db)
                ?? GenotypePanel(id: nil, name: name, markers: "", createdAt: Date())
            var markers = panel.markerList.map(String.init)
            var index = Dictionary(markers.enumerated().map { ($1, $0) }) { first, _ in first }
            for line in lines where index[line.marker] == nil {
                index[line.marker] = markers.count
                markers.append(line.marker)
            }
            panel.markers = markers.joined(separator: "\n")
            try panel.save(write.db)
            var calls = Data(repeating: Genotype.noCall, count: markers.count * 2)
            for line in lines {
                let offset = (index[line.marker] ?? 0) * 2
                calls[offset] = line.alleles.0
                calls[offset + 1] = line.alleles.1
            }
            var genotype = Genotype(
                id: nil, animalId: animalID, panelId: panel.id ?? 0, calls: calls,
                callsSha256: Genotype.digest(calls), markersTyped: lines.count,
                markersCalled: lines.count { $0.alleles.0 != Genotype.noCall }, source: source,
                importedAt: Date())
            if let previous = try Genotype.filter(
                Genotype.CodingKeys.animalId == animalID && Genotype.CodingKeys.panelId == panel.id
            ).fetchOne(write.db) {
                guard let reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw APIError.invalid(
                        "This animal already has a genotype on \(name); give a reason to replace it.",
                        field: "reason")
                }
                genotype.id = previous.id
                try write.update(genotype, from: previous, action: "genotype.replace", reason: reason)
            } else {
                try write.insert(&genotype, action: "genotype.import", reason: reason)
            }
            return genotype.id ?? 0
        }
        guard let summary = try await summary(id: id) else { throw APIError.notFound("No such genotype.") }
        return summary
    }

    package func summary(id: Int64) async throws -> Summary? {
        try await database.read { db in
            try Summary.fetchOne(db, sql: Self.summarySQL + " WHERE g.id = ?", arguments: [id])
        }
    }

    package func summaries(animalID: Int64) async throws -> [Summary] {
        try await database.read { db in
            try Summary.fetchAll(
                db, sql: Self.summarySQL + " WHERE g.animal_id = ? ORDER BY p.name", arguments: [animalID])
        }
    }

    /// The latest imports, newest first, for the genomics page.
    package func recent(limit: Int) async throws -> [Summary] {
        try await database.read { db in
            try Summary.fetchAll(
                db, sql: Self.summarySQL + " ORDER BY g.imported_at DESC, g.id DESC LIMIT ?", arguments: [limit])
        }
    }

    package func parentage(_ question: Parentage.Question, thresholds: ParentageThresholds) async throws
        -> Parentage.Report
    {
        try await database.read { db in try Parentage.report(db, question, thresholds: thresholds) }
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}
