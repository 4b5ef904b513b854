import Foundation
import GRDB
import Hummingbird

/// An oocyte pick-up: follicles aspirated from a donor's ovaries and the oocytes (COCs) found,
/// counted per grade I–IV and degenerate.
struct OPUSession: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord,
    ResponseEncodable
{
    static let databaseTableName = "opu_sessions"
    static let auditEntity = "opu_session"

    var id: Int64?
    var donorId: Int64
    var performedOn: String
    var `operator`: String
    var follicles: Int
    var oocytes: Int
    var grade1 = 0
    var grade2 = 0
    var grade3 = 0
    var grade4 = 0
    var degenerate = 0
    var notes = ""
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, follicles, oocytes, degenerate, notes
        case `operator`
        case donorId = "donor_id"
        case performedOn = "performed_on"
        case grade1 = "grade_1"
        case grade2 = "grade_2"
        case grade3 = "grade_3"
        case grade4 = "grade_4"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Oocytes fit for maturation: grades I–III, or all recovered when no grades were recorded.
    var usable: Int {
        let graded = grade1 + grade2 + grade3 + grade4 + degenerate
        return graded == 0 ? oocytes : grade1 + grade2 + grade3
    }

    var recovery: Rate { Rate(count: oocytes, of: follicles) }
}

/// A computed rate: `count` of `of`, and the percentage (nil when there is nothing to divide by).
struct Rate: Codable, Sendable, Equatable {
    let count: Int
    let of: Int

    var percent: Double? { of == 0 ? nil : (Double(count) * 1000 / Double(of)).rounded() / 10 }

    var text: String { percent.map { "\($0) %" } ?? "—" }

    enum CodingKeys: String, CodingKey { case count, of, percent }

    init(count: Int, of: Int) {
        self.count = count
        self.of = of
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        count = try container.decode(Int.self, forKey: .count)
        of = try container.decode(Int.self, forKey: .of)
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encode(of, forKey: .of)
        try container.encode(percent, forKey: .percent)
    }
}
