import Foundation
import GRDB
import Hummingbird

/// In vitro fertilisation and culture of one donor's oocytes (from one or more OPU sessions) with
/// one sire's semen. Day 0 is fertilisation.
struct IVFBatch: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord {
    static let databaseTableName = "ivf_batches"
    static let auditEntity = "ivf_batch"

    var id: Int64?
    var code: String
    var donorId: Int64
    var sireId: Int64
    var semenSampleId: Int64?
    var fertilisedOn: String
    var medium = ""
    var `protocol` = ""
    var technician: String
    var notes = ""
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, code, medium, `protocol`, technician, notes
        case donorId = "donor_id"
        case sireId = "sire_id"
        case semenSampleId = "semen_sample_id"
        case fertilisedOn = "fertilised_on"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Oocytes of one OPU session inseminated in a batch.
struct IVFAllocation: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "ivf_batch_oocytes"

    var batchId: Int64
    var opuId: Int64
    var oocytes: Int

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case oocytes
        case batchId = "batch_id"
        case opuId = "opu_id"
    }
}

/// A culture check on one day: cleaved embryos (D2–D3) and/or blastocysts (D7–D8).
struct IVFCheck: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord {
    static let databaseTableName = "ivf_checks"
    static let auditEntity = "ivf_check"

    var id: Int64?
    var batchId: Int64
    var day: Int
    var checkedOn: String
    var cleaved: Int?
    var blastocysts: Int?
    var notes = ""
    var checkedBy: String
    var createdAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, day, cleaved, blastocysts, notes
        case batchId = "batch_id"
        case checkedOn = "checked_on"
        case checkedBy = "checked_by"
        case createdAt = "created_at"
    }

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A batch with its oocytes, checks and the rates computed from them.
struct IVFBatchReport: Encodable, Sendable, ResponseEncodable {
    let batch: IVFBatch
    let allocations: [IVFAllocation]
    let checks: [IVFCheck]
    let embryos: [Embryo]

    var inseminated: Int { allocations.reduce(0) { $0 + $1.oocytes } }
    /// The cleavage count of the D2–D3 check (the latest of them when both were recorded).
    var cleaved: Int? { checks.filter { (2...3).contains($0.day) }.compactMap(\.cleaved).last }
    /// The blastocyst count of the D7–D8 check (the latest, which includes D7's blastocysts).
    var blastocysts: Int? { checks.filter { (7...8).contains($0.day) }.compactMap(\.blastocysts).last }
    var cleavageRate: Rate? { cleaved.map { Rate(count: $0, of: inseminated) } }
    var blastocystRate: Rate? { blastocysts.map { Rate(count: $0, of: inseminated) } }
    /// Blastocysts ÷ cleaved: labelled as such, never mixed up with the rate per oocyte.
    var blastocystsPerCleaved: Rate? {
        guard let blastocysts, let cleaved else { return nil }
        return Rate(count: blastocysts, of: cleaved)
    }

    enum CodingKeys: String, CodingKey {
        case batch, checks, embryos, inseminated, cleaved, blastocysts
        case allocations = "oocytes_from"
        case cleavageRate = "cleavage_rate"
        case blastocystRate = "blastocyst_rate"
        case blastocystsPerCleaved = "blastocysts_per_cleaved"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(batch, forKey: .batch)
        try container.encode(allocations, forKey: .allocations)
        try container.encode(checks, forKey: .checks)
        try container.encode(embryos, forKey: .embryos)
        try container.encode(inseminated, forKey: .inseminated)
        try container.encode(cleaved, forKey: .cleaved)
        try container.encode(blastocysts, forKey: .blastocysts)
        try container.encode(cleavageRate, forKey: .cleavageRate)
        try container.encode(blastocystRate, forKey: .blastocystRate)
        try container.encode(blastocystsPerCleaved, forKey: .blastocystsPerCleaved)
    }
}
