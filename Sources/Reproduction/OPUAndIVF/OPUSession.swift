import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform

/// An oocyte pick-up: follicles aspirated from a donor's ovaries and the oocytes (COCs) found,
/// counted per grade I–IV and degenerate.
package struct OPUSession: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "opu_sessions"
    package static let auditEntity = "opu_session"

    package var id: Int64?
    package var donorId: Int64
    package var performedOn: String
    package var `operator`: String
    package var follicles: Int
    package var oocytes: Int
    package var grade1 = 0
    package var grade2 = 0
    package var grade3 = 0
    package var grade4 = 0
    package var degenerate = 0
    package var notes = ""
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
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

    /// Oocytes fit for maturation: grades I–III, or all recovered when no grades were recorded.
    package var usable: Int {
        let graded = grade1 + grade2 + grade3 + grade4 + degenerate
        return graded == 0 ? oocytes : grade1 + grade2 + grade3
    }

    package var recovery: Rate { Rate(count: oocytes, of: follicles) }
}

/// A computed rate: `count` of `of`, and the percentage (nil when there is nothing to divide by).
package struct Rate: Codable, Sendable, Equatable {
    package let count: Int
    package let of: Int

    package var percent: Double? { of == 0 ? nil : (Double(count) * 1000 / Double(of)).rounded() / 10 }

    package var text: String { percent.map { "\($0) %" } ?? "—" }

    package enum CodingKeys: String, CodingKey { case count, of, percent }

    package init(count: Int, of: Int) {
        self.count = count
        self.of = of
    }

    package init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        count = try container.decode(Int.self, forKey: .count)
        of = try container.decode(Int.self, forKey: .of)
    }

    package func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encode(of, forKey: .of)
        try container.encode(percent, forKey: .percent)
    }
}
