import Foundation
import GRDB
import Hummingbird

/// An analyser whose calibration expires: past `calibrationDue` it cannot be used for results
/// or QC runs.
struct Instrument: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord,
    ResponseEncodable
{
    static let databaseTableName = "instruments"
    static let auditEntity = "instrument"

    var id: Int64?
    var name: String
    var calibrationDue: String
    var notes = ""
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name, notes
        case calibrationDue = "calibration_due"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    func isCalibrated(on day: String = Day.today) -> Bool { calibrationDue >= day }

    /// The instrument `id`, refused when its calibration has expired.
    static func usable(_ db: Database, id: Int64, field: String = "instrument_id") throws -> Instrument {
        guard let instrument = try fetchOne(db, key: id) else {
            throw APIError.invalid("No instrument has id \(id).", field: field)
        }
        guard instrument.isCalibrated() else {
            throw APIError(
                status: .unprocessableContent, code: "calibration_overdue",
                message: "\(instrument.name) was due for calibration on \(instrument.calibrationDue); "
                    + "calibrate it before using it.", field: field)
        }
        return instrument
    }
}

/// A reference or control sample with the value a test should find.
struct QCMaterial: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord,
    ResponseEncodable
{
    static let databaseTableName = "qc_materials"
    static let auditEntity = "qc_material"

    var id: Int64?
    var name: String
    var testId: Int64
    var expected: Double
    var tolerance: Double
    var createdAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name, expected, tolerance
        case testId = "test_id"
        case createdAt = "created_at"
    }

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    func inControl(_ measured: Double) -> Bool { abs(measured - expected) <= tolerance }
}

/// A control measured on an instrument; results entered against an out-of-control run cannot
/// be verified.
struct QCRun: Codable, Sendable, Identifiable, FetchableRecord, MutablePersistableRecord, AuditedRecord,
    ResponseEncodable
{
    static let databaseTableName = "qc_runs"
    static let auditEntity = "qc_run"

    var id: Int64?
    var materialId: Int64
    var instrumentId: Int64
    var measured: Double
    var inControl: Bool
    var runBy: String
    var runAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, measured
        case materialId = "material_id"
        case instrumentId = "instrument_id"
        case inControl = "in_control"
        case runBy = "run_by"
        case runAt = "run_at"
    }

    var auditID: String { String(id ?? 0) }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
