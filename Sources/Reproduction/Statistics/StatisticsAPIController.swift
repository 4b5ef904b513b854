import Biobank
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The JSON API of success rates: OPU to embryo to pregnancy, grouped by donor, sire, technician
/// or protocol.
package struct StatisticsAPIController {
    package let database: AppDatabase

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/reproduction/stats", .reproductionRead, .successStatistics) { request, _ in
            let grouping = try ReproductionStats.Grouping(ListQuery(request))
            return try await database.read { try ReproductionStats.report($0, by: grouping) }
        }
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}

extension ReproductionStats.Grouping {
    /// `by`: donor (default), sire, technician or protocol.
    package init(_ query: ListQuery) throws {
        self = try query.choice("by", in: Self.allCases.map(\.rawValue)).flatMap(Self.init) ?? .donor
    }
}
