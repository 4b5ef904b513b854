import Crypto
import Foundation
import GRDB

/// A named marker panel (e.g. ISAG bovine 200 SNP). Its marker order fixes the byte layout of
/// every genotype on it.
struct GenotypePanel: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "genotype_panels"

    var id: Int64?
    var name: String
    var markers: String
    var createdAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name, markers
        case createdAt = "created_at"
    }

    var markerList: [Substring] { markers.isEmpty ? [] : markers.split(separator: "\n") }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One animal's calls on one panel.
struct Genotype: Codable, Sendable, FetchableRecord, MutablePersistableRecord, AuditedRecord {
    static let databaseTableName = "genotypes"
    static let auditEntity = "genotype"
    /// The blob can be 100 kB; the trail keeps its digest (`calls_sha256`) instead.
    static let auditRedacted: Set<String> = ["calls"]

    var id: Int64?
    var animalId: Int64
    var panelId: Int64
    var calls: Data
    var callsSha256: String
    var markersTyped: Int
    var markersCalled: Int
    var source: String
    var importedAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, calls, source
        case animalId = "animal_id"
        case panelId = "panel_id"
        case callsSha256 = "calls_sha256"
        case markersTyped = "markers_typed"
        case markersCalled = "markers_called"
        case importedAt = "imported_at"
    }

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The byte that stands for "no call".
    static let noCall = UInt8(ascii: "0")

    /// Allele codes accepted on import: Illumina A/B, nucleotides, and I/D for indels.
    static let alleles: Set<UInt8> = Set("ABCGTID".utf8)

    /// The two alleles at marker index `index`, nil when not called (or beyond what was typed).
    func call(at index: Int) -> (UInt8, UInt8)? {
        let offset = index * 2
        guard offset + 1 < calls.count else { return nil }
        let first = calls[calls.startIndex + offset]
        let second = calls[calls.startIndex + offset + 1]
        return first == Self.noCall || second == Self.noCall ? nil : (first, second)
    }

    /// The share of the panel's markers this genotype calls, 0…1.
    func callRate(panelSize: Int) -> Double {
        panelSize == 0 ? 0 : Double(markersCalled) / Double(panelSize)
    }

    static func digest(_ calls: Data) -> String { SHA256.hash(data: calls).hex }
}
