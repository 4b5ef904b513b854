import Foundation
import GRDB
import Hummingbird

/// A test of the catalog: what it measures, on which sample kinds, in which unit, at what price.
struct LabTest: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord,
    ResponseEncodable
{
    static let databaseTableName = "lab_tests"
    static let auditEntity = "lab_test"

    var id: Int64?
    var code: String
    var name: String
    var sampleKinds: String
    var unit = ""
    var method = ""
    var priceCents = 0
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, code, name, unit, method
        case sampleKinds = "sample_kinds"
        case priceCents = "price_cents"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    var kinds: [String] { sampleKinds.split(separator: ",").map(String.init) }
}

/// The normal range of a test for one species; either bound may be open.
struct ReferenceRange: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "reference_ranges"

    var testId: Int64
    var species: String
    var low: Double?
    var high: Double?

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case species, low, high
        case testId = "test_id"
    }

    /// Where `value` falls: "" inside the range, "low" or "high" outside it.
    func flag(_ value: Double) -> String {
        if let low, value < low { return "low" }
        if let high, value > high { return "high" }
        return ""
    }

    var text: String {
        switch (low, high) {
        case (let low?, let high?): "\(low.formatted()) – \(high.formatted())"
        case (let low?, nil): "≥ \(low.formatted())"
        case (nil, let high?): "≤ \(high.formatted())"
        case (nil, nil): "—"
        }
    }
}

/// A named group of tests ordered together (e.g. an export health panel).
struct LabProfile: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord {
    static let databaseTableName = "lab_profiles"
    static let auditEntity = "lab_profile"

    var id: Int64?
    var code: String
    var name: String
    var tests: String
    var createdAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, code, name, tests
        case createdAt = "created_at"
    }

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
