import Biobank
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Reproduction
import Results

/// Reproduction and lab work on top of the demo herd: OPU sessions, IVF batches with their day
/// checks, graded embryos (some vitrified into the tanks, some transferred under a witness, a few
/// discarded), pregnancy checks and calvings; a small test catalog, QC, and orders whose results
/// are entered and verified. Written through the stores, so every rule and audit event applies.
package struct DemoReproduction {
    package struct Counts: Sendable, CustomStringConvertible {
        package var opuSessions = 0
        package var embryos = 0
        package var frozen = 0
        package var transfers = 0
        package var pregnant = 0
        package var results = 0

        package var description: String {
            "\(opuSessions) OPU sessions and IVF batches, \(embryos) embryos (\(frozen) vitrified), "
                + "\(transfers) transfers (\(pregnant) pregnant), \(results) lab results"
        }
    }

    package let database: AppDatabase
    package let config: AppConfig
    /// The people who witness transfers and verify results (the command line performs the rest).
    package let staff: User
    package var random: SplitMix64

    package init(database: AppDatabase, config: AppConfig, staff: User, seed: UInt64) {
        self.database = database
        self.config = config
        self.staff = staff
        self.random = SplitMix64(seed: seed ^ 0x5EED)
    }

    /// The demo technician who witnesses and verifies, with a random password nobody knows.
    package static func staff(identity: Identity) async throws -> User {
        let email = "demo.staff@labbox.example"
        if let existing = try await identity.users.user(email: email) { return existing }
        return try await identity.users.create(
            .init(
                email: email, displayName: "Demo Technician", role: .technician,
                password: Secrets.token(bytes: 24)), by: nil, event: .commandLine)
    }

    package mutating func generate(opuSessions: Int, context: EventContext) async throws -> Counts {
        var counts = Counts()
        let stores = ReproductionStores(database: database, config: config)
        let (females, males) = try await database.read { db in
            (
                try Int64.fetchAll(
                    db, sql: "SELECT id FROM animals WHERE species = 'bovine' AND sex = 'female' AND deleted_at IS NULL"
                ),
                try Int64.fetchAll(
                    db, sql: "SELECT id FROM animals WHERE species = 'bovine' AND sex = 'male' AND deleted_at IS NULL")
            )
        }
        guard females.count >= 2, !males.isEmpty else { return counts }
        var holders = try await database.read { try StorageStore.containerChoices($0) }.map(\.id)
        let today = Day.today
        let name = staff.displayName
        for _ in 0..<opuSessions {
            let donor = females[random.next(females.count)]
            let sire = males[random.next(males.count)]
            let performedOn = Day.adding(-(10 + random.next(420)), to: today) ?? today
            let follicles = 8 + random.next(13)
            let oocytes = follicles * (65 + random.next(25)) / 100
            let (grade1, grade2, grade3) = (oocytes * 35 / 100, oocytes * 30 / 100, oocytes * 20 / 100)
            let degenerate = random.next(2)
            let opu = try await stores.lab.createOPU(
                .init(
                    donorId: donor, performedOn: performedOn, operator: name, follicles: follicles, oocytes: oocytes,
                    grade1: grade1, grade2: grade2, grade3: grade3,
                    grade4: max(0, oocytes - grade1 - grade2 - grade3 - degenerate), degenerate: degenerate,
                    notes: nil), context: context)
            counts.opuSessions += 1
            let fertilisedOn = Day.adding(1, to: performedOn) ?? performedOn
            let batch = try await stores.lab.createBatch(
                .init(
                    sireId: sire, fertilisedOn: fertilisedOn, medium: "SOF-BSA",
                    protocol: ["standard IVP", "sexed semen", "short IVM"][random.next(3)], technician: name,
                    oocytesFrom: [.init(opuId: opu.id ?? 0, oocytes: nil)]), context: context)
            let batchID = batch.batch.id ?? 0
            let cleaved = batch.inseminated * (70 + random.next(16)) / 100
            _ = try await stores.lab.addCheck(batch: batchID, .init(day: 2, cleaved: cleaved), context: context)
            let blastocysts = min(cleaved, batch.inseminated * (22 + random.next(18)) / 100)
            _ = try await stores.lab.addCheck(batch: batchID, .init(day: 7, blastocysts: blastocysts), context: context)
            guard blastocysts > 0 else { continue }
            let grades = (0..<blastocysts).map { _ in
                EmbryoStore.Grade(
                    stage: [6, 7, 7, 8][random.next(4)], grade: random.pick([(1, 50), (2, 30), (3, 20)]))
            }
            let embryos = try await stores.embryos.grade(
                batch: batchID, .init(day: 7, embryos: grades), context: context)
            counts.embryos += embryos.count
            for embryo in embryos {
                let fate = random.next(100)
                if fate < 45, embryo.grade <= config.reproduction.freezableMaxGrade, let holder = holders.first {
                    do {
                        _ = try await stores.embryos.freeze(
                            id: embryo.id ?? 0, .init(containerId: holder, method: "vitrified"), context: context)
                        counts.frozen += 1
                    } catch let error as APIError where error.field == "container_id" {
                        holders.removeFirst()
                    }
                } else if fate < 88 {
                    let recipient = females[random.next(females.count)]
                    guard recipient != donor else { continue }
                    try await transfer(
                        embryo, to: recipient, on: Day.adding(7, to: fertilisedOn) ?? today, stores: stores,
                        counts: &counts, context: context)
                } else {
                    _ = try await stores.embryos.discard(
                        id: embryo.id ?? 0, reason: "degenerated in culture", context: context)
                }
            }
        }
        counts.results = try await results(orders: max(1, opuSessions / 4), context: context)
        return counts
    }

    /// A witnessed fresh transfer; 30 days later its diagnosis, and for older pregnancies the calving.
    private mutating func transfer(
        _ embryo: Embryo, to recipient: Int64, on day: String, stores: ReproductionStores, counts: inout Counts,
        context: EventContext
    ) async throws {
        let transfer = try await stores.transfers.create(
            .init(
                recipientId: recipient, embryoIds: [embryo.id ?? 0], transferredOn: day, technician: staff.displayName,
                clSide: random.next(2) == 0 ? "left" : "right"), witness: staff, context: context)
        counts.transfers += 1
        guard let checkedOn = Day.adding(30, to: day), checkedOn <= Day.today else { return }
        let pregnant = random.next(100) < 48
        _ = try await stores.transfers.diagnose(
            transfer: transfer.id ?? 0,
            .init(checkedOn: checkedOn, method: "ultrasound", result: pregnant ? "pregnant" : "open"),
            context: context)
        guard pregnant else { return }
        counts.pregnant += 1
        guard let born = Day.adding(275, to: day), born <= Day.today else { return }
        _ = try await stores.transfers.recordOutcome(
            transfer: transfer.id ?? 0,
            .init(outcome: "born_alive", outcomeOn: born, offspringSex: random.next(2) == 0 ? "female" : "male"),
            context: context)
    }

    /// Progesterone and post-thaw motility in the catalog, a calibrated analyser with a QC run in
    /// control, and `orders` orders of P4 on blood samples, most of them verified.
    private mutating func results(orders: Int, context: EventContext) async throws -> Int {
        let catalog = CatalogStore(database: database, sampleKinds: config.sampleKinds, species: config.species)
        let store = ResultStore(
            database: database, verificationsRequired: config.verificationsRequired,
            mail: ResultsMail(config: config, pages: try PageRenderer(assets: StaticAssets(), time: config.labTime)))
        guard config.sampleKinds.contains("blood") else { return 0 }
        _ = try await catalog.createTest(
            .init(
                code: "P4", name: "Progesterone", sampleKinds: ["blood"], unit: "ng/mL", method: "ELISA",
                priceCents: 1800,
                ranges: [.init(species: "bovine", low: 0.5, high: 10), .init(species: "equine", low: 1, high: 15)]),
            context: context)
        if config.sampleKinds.contains("semen") {
            _ = try await catalog.createTest(
                .init(
                    code: "PTM", name: "Post-thaw motility", sampleKinds: ["semen"], unit: "%", method: "CASA",
                    priceCents: 2500, ranges: [.init(species: "bovine", low: 30, high: 100)]), context: context)
        }
        let instrument = try await catalog.createInstrument(
            .init(name: "Immunoassay analyser", calibrationDue: Day.adding(180, to: Day.today)), context: context)
        let material = try await catalog.createMaterial(
            .init(name: "P4 control level 2", testCode: "P4", expected: 5, tolerance: 0.5), context: context)
        let run = try await catalog.recordRun(
            .init(materialId: material.id, instrumentId: instrument.id, measured: 5.1), context: context)
        let (customers, blood) = try await database.read { db in
            (
                try Int64.fetchAll(db, sql: "SELECT id FROM customers WHERE deleted_at IS NULL LIMIT 200"),
                try Int64.fetchAll(db, sql: "SELECT id FROM samples WHERE kind = 'blood' LIMIT 2000")
            )
        }
        guard !customers.isEmpty, !blood.isEmpty else { return 0 }
        var entered = 0
        for index in 0..<orders {
            let samples = Set((0...random.next(2)).map { _ in blood[random.next(blood.count)] })
            // A third of the customers order under a purchase order, which their invoice quotes.
            let order = try await store.createOrder(
                .init(
                    customerId: customers[random.next(customers.count)], sampleIds: Array(samples).sorted(),
                    tests: ["P4"], purchaseOrder: index % 3 == 0 ? "PO-\(4711 + index)" : nil), context: context)
            for line in order.analyses {
                let value = Double(random.next(1200)) / 100
                _ = try await store.enter(
                    id: line.id, .init(value: value, instrumentId: instrument.id, qcRunId: run.id), by: nil,
                    context: context)
                entered += 1
                if random.next(100) < 70 { _ = try await store.verify(id: line.id, signer: staff, context: context) }
            }
        }
        return entered
    }
}
