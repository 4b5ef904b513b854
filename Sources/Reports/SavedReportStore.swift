import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Saved report definitions: each person's own and those shared, every change audited. Only the
/// owner (or an administrator) changes or deletes one; anyone who may read the report it names may
/// see a shared one.
package struct SavedReportStore: Sendable {
    package let database: AppDatabase

    package init(database: AppDatabase) { self.database = database }

    package struct Input: Decodable, Sendable {
        package var name: String?
        package var report: String?
        package var rangePreset: String?
        package var grouping: String?
        package var shared: Bool?
        package var schedule: String?
        package var recipients: [String]?

        package enum CodingKeys: String, CodingKey {
            case name, report, grouping, shared, schedule, recipients
            case rangePreset = "range_preset"
        }

        /// The length of every text given, before anything else: a bound the document declares is
        /// refused as that field's, whatever else the body lacks.
        func checkBounds() throws {
            if let name { try InputCheck.length(name, field: "name", limit: 200) }
            if let grouping { try InputCheck.length(grouping, field: "grouping", limit: 40) }
            for (index, address) in (recipients ?? []).enumerated() {
                try InputCheck.length(address, field: "recipients.\(index)", limit: 254)
            }
        }

        package init(
            name: String? = nil, report: String? = nil, rangePreset: String? = nil, grouping: String? = nil,
            shared: Bool? = nil, schedule: String? = nil, recipients: [String]? = nil
        ) {
            (self.name, self.report, self.rangePreset, self.grouping) = (name, report, rangePreset, grouping)
            (self.shared, self.schedule, self.recipients) = (shared, schedule, recipients)
        }
    }

    /// The definitions `principal` may see: their own and the shared ones, of reports they may read.
    package func list(for principal: Principal) async throws -> [SavedReport] {
        let owner = principal.userID ?? 0
        return try await database.read { db in
            try SavedReport.filter(sql: "owner_id = ? OR shared = 1", arguments: [owner]).order(sql: "name, id")
                .fetchAll(db)
        }.filter { principal.can($0.report.permission) }
    }

    /// One the principal may see, else a 404 (a private definition of someone else is not there).
    package func get(_ id: Int64, for principal: Principal) async throws -> SavedReport {
        guard
            let report = try await database.read({ try SavedReport.fetchOne($0, key: id) }),
            report.ownerId == principal.userID || report.shared, principal.can(report.report.permission)
        else { throw APIError.notFound("No saved report has id \(id).") }
        return report
    }

    package func create(_ input: Input, for principal: Principal, context: EventContext) async throws -> SavedReport {
        try input.checkBounds()
        let now = Date()
        var report = SavedReport(
            id: nil, name: "", report: .reproduction, rangePreset: ReportRange.Preset.last12Months.rawValue,
            grouping: "", ownerId: principal.userID ?? 0, shared: false, schedule: .none, recipients: "",
            lastSentOn: nil, createdAt: now, updatedAt: now)
        try Self.apply(input, to: &report, creating: true, principal: principal)
        guard principal.userID != nil else {
            throw Self.forbidden("A saved report belongs to a person; this key has no owner.")
        }
        let draft = report
        return try await database.write(context) { write in
            var inserted = draft
            try write.insert(&inserted)
            return inserted
        }
    }

    package func update(_ id: Int64, _ input: Input, for principal: Principal, context: EventContext) async throws
        -> SavedReport
    {
        try input.checkBounds()
        let previous = try await owned(id, by: principal)
        var report = previous
        try Self.apply(input, to: &report, creating: false, principal: principal)
        report.updatedAt = Date()
        let changed = report
        return try await database.write(context) { write in
            try write.update(changed, from: previous, reason: nil)
            return changed
        }
    }

    package func delete(_ id: Int64, for principal: Principal, context: EventContext) async throws {
        let report = try await owned(id, by: principal)
        try await database.write(context) { write in try write.delete(report, reason: nil) }
    }

    /// One the principal may change: their own, or any for an administrator.
    private func owned(_ id: Int64, by principal: Principal) async throws -> SavedReport {
        let report = try await get(id, for: principal)
        guard report.ownerId == principal.userID || principal.can(.admin) else {
            throw Self.forbidden("Only its owner changes a saved report; save your own copy instead.")
        }
        return report
    }

    static func forbidden(_ message: String) -> APIError {
        APIError(status: .forbidden, code: "forbidden", message: message)
    }

    /// The input's fields on `report`, each checked; the rules a definition keeps as a whole after.
    static func apply(_ input: Input, to report: inout SavedReport, creating: Bool, principal: Principal) throws {
        if let name = input.name ?? (creating ? "" : nil) {
            report.name = try InputCheck.text(name, field: "name", limit: 200).trimmingCharacters(in: .whitespaces)
            guard !report.name.isEmpty else {
                throw APIError.validationFailed("Give the report a name.", field: "name")
            }
        }
        if let kind = input.report {
            guard let parsed = SavedReport.Kind(rawValue: kind) else {
                throw APIError.validationFailed(
                    "report must be one of \(SavedReport.Kind.allCases.map(\.rawValue).joined(separator: ", ")).",
                    field: "report")
            }
            report.report = parsed
        } else if creating {
            throw APIError.validationFailed("Name the report: reproduction, results or inventory.", field: "report")
        }
        guard principal.can(report.report.permission) else {
            throw Self.forbidden("You may not read the \(report.report.rawValue) report.")
        }
        if let preset = input.rangePreset {
            guard ReportRange.Preset(rawValue: preset) != nil else {
                throw APIError.validationFailed(
                    "range_preset must be one of \(ReportRange.Preset.allCases.map(\.rawValue).joined(separator: ", ")).",
                    field: "range_preset")
            }
            report.rangePreset = preset
        }
        if let grouping = input.grouping { report.grouping = grouping }
        guard report.grouping.isEmpty || report.report.groupings.contains(report.grouping) else {
            throw APIError.validationFailed(
                "The \(report.report.rawValue) report groups by \(report.report.groupings.joined(separator: ", ")).",
                field: "grouping")
        }
        if let shared = input.shared { report.shared = shared }
        if let schedule = input.schedule {
            guard let parsed = SavedReport.Schedule(rawValue: schedule) else {
                throw APIError.validationFailed("schedule must be empty, weekly or monthly.", field: "schedule")
            }
            report.schedule = parsed
        }
        if let recipients = input.recipients {
            let addresses = recipients.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard addresses.count <= 20 else {
                throw APIError.validationFailed("At most 20 recipients.", field: "recipients")
            }
            for address in addresses {
                guard address.wholeMatch(of: /[^@\s,<>]+@[^@\s,<>]+\.[^@\s,<>]+/) != nil, address.count <= 254 else {
                    throw APIError.validationFailed("\(address) is not an email address.", field: "recipients")
                }
            }
            report.recipients = addresses.joined(separator: ", ")
        }
        guard report.schedule == .none || !report.addresses.isEmpty else {
            throw APIError.validationFailed("A scheduled report needs at least one recipient.", field: "recipients")
        }
    }
}
