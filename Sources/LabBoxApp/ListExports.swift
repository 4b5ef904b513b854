import Biobank
import Genomics
import LabBoxPlatform
import LabBoxServer
import Reproduction
import Results

/// The lists exported straight from SQL, with where their API and page routes are: their jobs
/// are registered with the queue, their routes with the table. Customers, animals and samples
/// declare their exports in their own CSV types, beside their imports.
struct ListExports {
    let database: AppDatabase

    /// Each export, its API path (`…/export`, `…/export-jobs`) and its page path (`…/export`).
    var all: [(export: SQLExport, api: String, page: String)] {
        [
            (.labOrders, "/api/v1/orders", "/results/orders"),
            (.labTests, "/api/v1/lab-tests", "/results/catalog"),
            (.opuSessions, "/api/v1/opu-sessions", "/reproduction/opu"),
            (.ivfBatches, "/api/v1/ivf-batches", "/reproduction/batches"),
            (.embryos, "/api/v1/embryos", "/reproduction/embryos"),
            (.transfers, "/api/v1/transfers", "/reproduction/transfers"),
            (.pregnancyChecks, "/api/v1/pregnancy-checks", "/reproduction/pregnancy-checks"),
            (.embryoCertificates, "/api/v1/embryo-certificates", "/certificates/embryos"),
            (.storageInventory, "/api/v1/storage/inventory", "/storage/inventory"),
            (.genotypes, "/api/v1/genotypes", "/genomics/genotypes"),
        ]
    }

    var jobs: [JobKind] { all.map { $0.export.export(database).job } }

    func addRoutes(to routes: RouteTable, jobs: JobQueue) {
        for (export, api, page) in all {
            export.export(database).addRoutes(
                to: routes, api: api, page: page, jobs: jobs, operations: export.operations)
        }
    }
}
