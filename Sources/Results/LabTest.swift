import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform

/// A test of the catalog: what it measures, on which sample kinds, in which unit, at what price.
package struct LabTest: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "lab_tests"
    package static let auditEntity = "lab_test"

    package var id: Int64?
    package var code: String
    package var name: String
    package var sampleKinds: String
    package var unit = ""
    package var method = ""
    package var priceCents = 0
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, code, name, unit, method
        case sampleKinds = "sample_kinds"
        case priceCents = "price_cents"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    package var kinds: [String] { sampleKinds.split(separator: ",").map(String.init) }
}

/// The normal range of a test for one species; either bound may be open.
package struct ReferenceRange: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "reference_ranges"

    package var testId: Int64
    package var species: String
    package var low: Double?
    package var high: Double?

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case species, low, high
        case testId = "test_id"
    }

    /// Where `value` falls: "" inside the range, "low" or "high" outside it.
    package func flag(_ value: Double) -> String {
        if let low, value < low { return "low" }
        if let high, value > high { return "high" }
        return ""
    }

    package var text: String {
        switch (low, high) {
        case (let low?, let high?): "\(low.formatted()) – \(high.formatted())"
        case (let low?, nil): "≥ \(low.formatted())"
        case (nil, let high?): "≤ \(high.formatted())"
        case (nil, nil): "—"
        }
    }
}

/// A named group of tests ordered together (e.g. an export health panel).
package struct LabProfile: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord {
    package static let databaseTableName = "lab_profiles"
    package static let auditEntity = "lab_profile"

    package var id: Int64?
    package var code: String
    package var name: String
    package var tests: String
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, code, name, tests
        case createdAt = "created_at"
    }

}
