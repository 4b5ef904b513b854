import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform

/// In vitro fertilisation and culture of one donor's oocytes (from one or more OPU sessions) with
/// one sire's semen. Day 0 is fertilisation.
package struct IVFBatch: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "ivf_batches"
    package static let auditEntity = "ivf_batch"

    package var id: Int64?
    package var code: String
    package var donorId: Int64
    package var sireId: Int64
    package var semenSampleId: Int64?
    package var fertilisedOn: String
    package var medium = ""
    package var `protocol` = ""
    package var technician: String
    package var notes = ""
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, code, medium, `protocol`, technician, notes
        case donorId = "donor_id"
        case sireId = "sire_id"
        case semenSampleId = "semen_sample_id"
        case fertilisedOn = "fertilised_on"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// Oocytes of one OPU session inseminated in a batch.
package struct IVFAllocation: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "ivf_batch_oocytes"

    package var batchId: Int64
    package var opuId: Int64
    package var oocytes: Int

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case oocytes
        case batchId = "batch_id"
        case opuId = "opu_id"
    }
}

/// A culture check on one day: cleaved embryos (D2–D3) and/or blastocysts (D7–D8).
package struct IVFCheck: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "ivf_checks"
    package static let auditEntity = "ivf_check"

    package var id: Int64?
    package var batchId: Int64
    package var day: Int
    package var checkedOn: String
    package var cleaved: Int?
    package var blastocysts: Int?
    package var notes = ""
    package var checkedBy: String
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, day, cleaved, blastocysts, notes
        case batchId = "batch_id"
        case checkedOn = "checked_on"
        case checkedBy = "checked_by"
        case createdAt = "created_at"
    }
}

/// A batch with its oocytes, checks and the rates computed from them.
package struct IVFBatchReport: Encodable, Sendable, ResponseEncodable {
    package let batch: IVFBatch
    package let allocations: [IVFAllocation]
    package let checks: [IVFCheck]
    package let embryos: [Embryo]

    package var inseminated: Int { allocations.reduce(0) { $0 + $1.oocytes } }
    /// The cleavage count of the D2–D3 check (the latest of them when both were recorded).
    package var cleaved: Int? { checks.filter { (2...3).contains($0.day) }.compactMap(\.cleaved).last }
    /// The blastocyst count of the D7–D8 check (the latest, which includes D7's blastocysts).
    package var blastocysts: Int? { checks.filter { (7...8).contains($0.day) }.compactMap(\.blastocysts).last }
    package var cleavageRate: Rate? { cleaved.map { Rate(count: $0, of: inseminated) } }
    package var blastocystRate: Rate? { blastocysts.map { Rate(count: $0, of: inseminated) } }
    /// Blastocysts ÷ cleaved: labelled as such, never mixed up with the rate per oocyte.
    package var blastocystsPerCleaved: Rate? {
        guard let blastocysts, let cleaved else { return nil }
        return Rate(count: blastocysts, of: cleaved)
    }

    package enum CodingKeys: String, CodingKey {
        case batch, checks, embryos, inseminated, cleaved, blastocysts
        case allocations = "oocytes_from"
        case cleavageRate = "cleavage_rate"
        case blastocystRate = "blastocyst_rate"
        case blastocystsPerCleaved = "blastocysts_per_cleaved"
    }

    package func encode(to encoder: Encoder) throws {
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
