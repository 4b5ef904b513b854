import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// A saved report definition: a report, a period preset and a grouping, kept for its owner or
/// shared; with a schedule it is emailed, as CSV and HTML, to its recipients (docs/decisions/0038).
package struct SavedReport: Codable, Sendable, Identifiable, FetchableRecord, RowIDRecord, AuditedRecord,
    ResponseEncodable
{
    package static let databaseTableName = "saved_reports"
    package static let auditEntity = "saved_report"

    /// The reports a definition can name, each read with its own permission.
    package enum Kind: String, Codable, CaseIterable, Sendable, DatabaseValueConvertible {
        case reproduction, results, inventory

        package var permission: Permission {
            switch self {
            case .reproduction: .reproductionRead
            case .results: .resultsRead
            case .inventory: .storageRead
            }
        }

        /// The groupings `by` may take; none for the results report.
        package var groupings: [String] {
            switch self {
            case .reproduction: ["donor", "sire", "technician", "protocol", "month", "grade", "preservation"]
            case .results: []
            case .inventory: ["tank", "sire", "customer"]
            }
        }

        package var title: String {
            switch self {
            case .reproduction: "Reproduction statistics"
            case .results: "Results statistics"
            case .inventory: "Inventory"
            }
        }

        package var page: String {
            switch self {
            case .reproduction: "/reproduction/stats"
            case .results: "/results/stats"
            case .inventory: "/storage/inventory"
            }
        }
    }

    package enum Schedule: String, Codable, CaseIterable, Sendable, DatabaseValueConvertible {
        case none = ""
        case weekly, monthly
    }

    package var id: Int64?
    package var name: String
    package var report: Kind
    package var rangePreset: String
    package var grouping: String
    package var ownerId: Int64
    package var shared: Bool
    package var schedule: Schedule
    package var recipients: String
    package var lastSentOn: String?
    package var createdAt: Date
    package var updatedAt: Date

    package enum CodingKeys: String, CodingKey {
        case id, name, report, grouping, shared, schedule, recipients
        case rangePreset = "range_preset"
        case ownerId = "owner_id"
        case lastSentOn = "last_sent_on"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    package var preset: ReportRange.Preset { ReportRange.Preset(rawValue: rangePreset) ?? .last12Months }

    /// The report's page for this definition, as of today.
    package var link: String {
        report.page + "?range=\(rangePreset)" + (grouping.isEmpty ? "" : "&by=\(grouping)")
    }

    package var addresses: [String] {
        recipients.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Whether the schedule sends it on `today` (the lab's day): a weekly report seven days after
    /// it was last sent, a monthly one in a month it was not; either at once when never sent, so a
    /// day the box was down delays a report rather than skipping it.
    package func isDue(today: String) -> Bool {
        guard let last = lastSentOn else { return schedule != .none }
        switch schedule {
        case .none: return false
        case .weekly: return (Day.between(last, today) ?? 0) >= 7
        case .monthly: return last.prefix(7) < today.prefix(7)
        }
    }
}
