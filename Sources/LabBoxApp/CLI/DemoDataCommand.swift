import Administration
import ArgumentParser
import Attachments
import Collaboration
import CustomFields
import Foundation
import LabBoxServer
import Reproduction

struct DemoDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Fill an empty data directory with a realistic demo dataset.",
        discussion: """
            Customers, animals with three to four generations of pedigree, full LN2 tanks (6 canisters × \
            10 goblets × 10 straws each) and samples with their audit events; then OPU sessions with their \
            IVF batches, embryos, witnessed transfers and pregnancy checks, and lab orders with verified \
            results; then a year of billing (a price list, the work charged, each month's storage and work \
            invoiced, payments in full and in part, overdue invoices, a credit note, reminders and a bank \
            statement to review). Transfers are witnessed and results verified by a demo technician account \
            (demo.staff@labbox.example, password unknown: reset it to sign in as them). The same --seed \
            gives the same data. Refuses a database that already has animals or samples.
            """)

    @OptionGroup var options: DataOptions
    @Option(help: "Customers.") var customers = 300
    @Option(help: "Animals.") var animals = 20_000
    @Option(help: "Samples.") var samples = 40_000
    @Option(help: "LN2 tanks (default: enough for the stored straws, at least 8).") package var tanks: Int?
    @Option(help: "OPU sessions, each with its IVF batch and embryos (default: one per 100 animals).")
    var opuSessions: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    // scripts/bench's billing data (DemoBillingBench): not part of the demo.
    @Option(help: .hidden) var benchUnbilled = 0
    @Option(help: .hidden) var benchOpen = 0

    func run() async throws {
        for (value, name) in [
            (customers, "customers"), (animals, "animals"), (samples, "samples"), (tanks ?? 0, "tanks"),
            (opuSessions ?? 0, "opu-sessions"),
        ]
        where value < 0 {
            printError("--\(name) must not be negative")
            throw ExitCode.validationFailure
        }
        let config = try options.load()
        let database = try options.openDatabase(config)
        defer { try? database.close() }
        // A bulk load: a large page cache keeps the indexes in memory instead of spilling their
        // pages to the WAL in the middle of each batch.
        try await database.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA cache_size = -262144") }
        let started = ContinuousClock.now
        var demo = DemoData(
            sizes: .init(customers: customers, animals: animals, samples: samples, tanks: tanks), seed: seed)
        do {
            let counts = try await demo.generate(into: database, context: .commandLine)
            print("created \(counts) in \(started.duration(to: .now).formatted(.units(allowed: [.seconds])))")
            let bench = try await DemoBillingBench.seed(
                database, currency: config.billing.currency, unbilled: benchUnbilled, open: benchOpen)
            if !bench.isEmpty { print("created \(bench)") }
            let sessions = opuSessions ?? animals / 100
            guard sessions > 0 else { return }
            let staff = try await DemoReproduction.staff(identity: Identity(database: database, config: config))
            var reproduction = DemoReproduction(database: database, config: config, staff: staff, seed: seed)
            let work = try await reproduction.generate(opuSessions: sessions, context: .commandLine)
            print("created \(work)")
            let stores = ReproductionStores(database: database, config: config)
            let shipments = try await DemoShipments(store: stores.shipments).generate(context: .commandLine)
            print("created \(shipments)")
            let flushes = try await DemoFlushes(flushes: stores.flushes, superovulations: stores.superovulations)
                .generate(context: .commandLine)
            print("created \(flushes)")
            let certificates = try await DemoCertificates(database: database, config: config, staff: staff)
                .generate(context: .commandLine)
            print("created \(certificates)")
            let recipients = try await DemoRecipients(stores: stores, staff: staff).generate(context: .commandLine)
            print("created \(recipients)")
            let billing = try await DemoBilling(database: database, config: config).generate(context: .commandLine)
            print("created \(billing)")
            let attachments = try await DemoAttachments(store: AttachmentStore(config: config, database: database))
                .generate(context: .commandLine)
            print("created \(attachments)")
            let collaboration = try await DemoCollaboration(database: database, time: config.labTime, staff: staff)
                .generate(context: .commandLine)
            print("created \(collaboration)")
            let privacy = try await DemoPrivacy(database: database).generate(context: .commandLine)
            print("created \(privacy)")
            let library = try await DemoLibrary(
                store: LibraryStore(database: database), identity: Identity(database: database, config: config),
                author: staff
            ).generate(context: .commandLine)
            print("created \(library)")
            let webhooks = try await DemoWebhooks(store: WebhookStore(database: database))
                .generate(context: .commandLine)
            print("created \(webhooks)")
            let customFields = try await DemoCustomFields(
                store: CustomFieldStore(database: database, species: config.species)
            ).generate(context: .commandLine)
            print("created \(customFields)")
        } catch let error as DemoDataError {
            printError(error.description)
            throw ExitStatus.checkFailed
        }
    }
}
