import Biobank
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The JSON API of success rates over a range of days: OPU to embryo to pregnancy, grouped by
/// donor, sire, technician, protocol, month, embryo grade or fresh versus frozen transfer.
package struct StatisticsAPIController {
    package let database: AppDatabase
    package let time: LabTime

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/reproduction/stats", .reproductionRead, .successStatistics) { request, _ in
            let query = ListQuery(request)
            let grouping = try ReproductionStats.Grouping(query)
            let range = try ReportRange(query, today: time.today, default: .last12Months)
            return try await database.read { try ReproductionStats.report($0, by: grouping, range: range) }
        }
        routes.get("/api/v1/reproduction/flush-stats", .reproductionRead, .flushStatistics) { request, _ in
            let query = ListQuery(request)
            let grouping = try FlushStats.Grouping(query)
            let range = try ReportRange(query, today: time.today, default: .last12Months)
            return try await database.read { try FlushStats.report($0, by: grouping, range: range) }
        }
    }

    package init(database: AppDatabase, time: LabTime) {
        (self.database, self.time) = (database, time)
    }
}

extension ReproductionStats.Grouping {
    /// `by`: donor (default), sire, technician, protocol, month, grade or preservation.
    package init(_ query: ListQuery) throws {
        self = try query.choice("by", in: Self.allCases.map(\.rawValue)).flatMap(Self.init) ?? .donor
    }
}
