import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxValues

/// An analyser whose calibration expires: past `calibrationDue` it cannot be used for results
/// or QC runs.
package struct Instrument: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "instruments"
    package static let auditEntity = "instrument"

    package var id: Int64?
    package var name: String
    package var calibrationDue: String
    package var notes = ""
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name, notes
        case calibrationDue = "calibration_due"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    package func isCalibrated(on day: String = Day.today) -> Bool { calibrationDue >= day }

    /// The instrument `id`, refused when its calibration has expired.
    package static func usable(_ db: Database, id: Int64, field: String = "instrument_id") throws -> Instrument {
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
package struct QCMaterial: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "qc_materials"
    package static let auditEntity = "qc_material"

    package var id: Int64?
    package var name: String
    package var testId: Int64
    package var expected: Double
    package var tolerance: Double
    package var createdAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, name, expected, tolerance
        case testId = "test_id"
        case createdAt = "created_at"
    }

    package func inControl(_ measured: Double) -> Bool { abs(measured - expected) <= tolerance }
}

/// A control measured on an instrument; results entered against an out-of-control run cannot
/// be verified.
package struct QCRun: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "qc_runs"
    package static let auditEntity = "qc_run"

    package var id: Int64?
    package var materialId: Int64
    package var instrumentId: Int64
    package var measured: Double
    package var inControl: Bool
    package var runBy: String
    package var runAt: Date

    package enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, measured
        case materialId = "material_id"
        case instrumentId = "instrument_id"
        case inControl = "in_control"
        case runBy = "run_by"
        case runAt = "run_at"
    }

}
