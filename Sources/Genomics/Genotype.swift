import Crypto
import Foundation
import GRDB
import LabBoxPlatform

/// A named marker panel (e.g. ISAG bovine 200 SNP). Its marker order fixes the byte layout of
/// every genotype on it.
package struct GenotypePanel: Codable, Sendable, FetchableRecord, RowIDRecord {
    package static let databaseTableName = "genotype_panels"

    package var id: Int64?
    package var name: String
    package var markers: String
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name, markers
        case createdAt = "created_at"
    }

    package var markerList: [Substring] { markers.isEmpty ? [] : markers.split(separator: "\n") }
}

/// One animal's calls on one panel.
package struct Genotype: Codable, Sendable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "genotypes"
    package static let auditEntity = "genotype"
    /// The blob can be 100 kB; the trail keeps its digest (`calls_sha256`) instead.
    package static let auditRedacted: Set<String> = ["calls"]

    package var id: Int64?
    package var animalId: Int64
    package var panelId: Int64
    package var calls: Data
    package var callsSha256: String
    package var markersTyped: Int
    package var markersCalled: Int
    package var source: String
    package var importedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, calls, source
        case animalId = "animal_id"
        case panelId = "panel_id"
        case callsSha256 = "calls_sha256"
        case markersTyped = "markers_typed"
        case markersCalled = "markers_called"
        case importedAt = "imported_at"
    }

    /// The byte that stands for "no call".
    package static let noCall = UInt8(ascii: "0")

    /// Allele codes accepted on import: Illumina A/B, nucleotides, and I/D for indels.
    package static let alleles: Set<UInt8> = Set("ABCGTID".utf8)

    /// The two alleles at marker index `index`, nil when not called (or beyond what was typed).
    package func call(at index: Int) -> (UInt8, UInt8)? {
        let offset = index * 2
        guard offset + 1 < calls.count else { return nil }
        let first = calls[calls.startIndex + offset]
        let second = calls[calls.startIndex + offset + 1]
        return first == Self.noCall || second == Self.noCall ? nil : (first, second)
    }

    /// The share of the panel's markers this genotype calls, 0…1.
    package func callRate(panelSize: Int) -> Double {
        panelSize == 0 ? 0 : Double(markersCalled) / Double(panelSize)
    }

    package static func digest(_ calls: Data) -> String { SHA256.hash(data: calls).hex }
}
