import Animals
import Biobank
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Reproduction
import Results

/// Certificates of the demo, through the stores so every rule applies: registration numbers for
/// the donors and sires of up to three frozen straws and their embryo certificates (the last
/// revoked and issued again), two export destinations, and a sire's BVD and IBR results, verified, on which
/// one health certificate rests.
package struct DemoCertificates {
    package let database: AppDatabase
    package let config: AppConfig
    package let staff: User

    package init(database: AppDatabase, config: AppConfig, staff: User) {
        self.database = database
        self.config = config
        self.staff = staff
    }

    /// The demo lab stands for an approved centre: without `lab.approval_number` it uses a demo number.
    var store: CertificateStore {
        CertificateStore(
            database: database, centre: config.labName,
            approvalNumber: config.labApprovalNumber.isEmpty ? "EU-ET-DEMO-017" : config.labApprovalNumber)
    }

    package func generate(context: EventContext) async throws -> String {
        let straws = try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sample_id, donor_id, sire_id FROM embryos WHERE fate = 'frozen' AND sample_id IS NOT NULL
                    ORDER BY id LIMIT 3
                    """
            ).map { (sample: $0["sample_id"] as Int64, donor: $0["donor_id"] as Int64, sire: $0["sire_id"] as Int64) }
        }
        // The first bovine sire with an owner (whom his results are ordered for).
        let sire = try await database.read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT id FROM animals
                    WHERE sex = 'male' AND species = 'bovine' AND owner_id IS NOT NULL AND deleted_at IS NULL
                    ORDER BY id LIMIT 1
                    """)
        }
        var health = 0
        if let sire { health = try await healthCertificate(sire: sire, context: context) }
        guard let lastStraw = straws.last else {
            return "no embryo certificates (no frozen embryos), 2 destinations, \(health) health certificate"
        }
        let animals = AnimalStore(database: database, species: config.species)
        try await database.write(context) { write in
            for id in Set(straws.flatMap { [$0.donor, $0.sire] }) {
                guard let animal = try Animal.fetchOne(write.db, key: id) else { continue }
                try animals.setIdentifiers(
                    AnimalStore.identifiers(write.db, animalID: id)
                        + [
                            .init(
                                type: .registration,
                                value: "HB-\(animal.species.prefix(2).uppercased())-\(100_000 + id)")
                        ],
                    of: animal, in: write)
            }
        }
        var lastCertificate: Int64 = 0
        for (index, straw) in straws.enumerated() {
            lastCertificate =
                try await store.issue(
                    .init(
                        sampleId: straw.sample, cryoprotectant: "Ethylene glycol 1.5 M with 0.1 M sucrose",
                        notes: index == 0 ? "Export to a breed registry member abroad." : nil), context: context
                ).id ?? 0
        }
        // The last one is corrected: revoked, and issued again.
        _ = try await store.revokeEmbryoCertificate(
            id: lastCertificate, reason: "The cryoprotectant was misstated.", context: context)
        _ = try await store.issue(
            .init(sampleId: lastStraw.sample, cryoprotectant: "Ethylene glycol 1.5 M"), context: context)
        return "\(straws.count + 1) embryo certificates, 2 destinations, \(health) health certificate"
    }

    /// BVD antigen and IBR antibody in the catalog, two destinations requiring them, a blood
    /// sample of the sire taken ten days ago with both results verified, and its certificate.
    private func healthCertificate(sire: Int64, context: EventContext) async throws -> Int {
        let catalog = CatalogStore(database: database, sampleKinds: config.sampleKinds, species: config.species)
        for (code, name) in [("BVD", "BVD virus antigen"), ("IBR", "IBR gB antibody")] {
            _ = try await catalog.createTest(
                .init(
                    code: code, name: name, sampleKinds: ["blood"], unit: "S/P", method: "ELISA", priceCents: 2200,
                    ranges: [.init(species: "bovine", low: 0, high: 0.3)]), context: context)
        }
        let destination = try await store.createDestination(
            .init(
                name: "European Union", tests: ["BVD", "IBR"], validityDays: 30,
                notes: "Semen and embryo trade within the EU (Regulation 2020/686)."), context: context)
        _ = try await store.createDestination(
            .init(name: "Canada", tests: ["BVD", "IBR"], validityDays: 60), context: context)
        let (species, owner) = try await database.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT species, owner_id FROM animals WHERE id = ?", arguments: [sire])
            return (row?["species"] as String? ?? "bovine", row?["owner_id"] as Int64?)
        }
        // One verification makes a result verified only under the default `results.verifications`.
        guard species == "bovine", let owner, config.verificationsRequired == 1, config.sampleKinds.contains("blood")
        else { return 0 }
        let samples = SampleStore(database: database, species: config.species, kinds: config.sampleKinds)
        let blood = try await samples.create(
            .init(
                externalId: "EXP-\(sire)-BLOOD", species: species, kind: "blood", animalId: sire,
                collectedAt: Date().addingTimeInterval(-10 * 86_400).formatted(.iso8601),
                notes: "Export serology"), context: context)
        let results = ResultStore(
            database: database, verificationsRequired: config.verificationsRequired,
            mail: ResultsMail(config: config, pages: try PageRenderer(assets: StaticAssets(), time: config.labTime)))
        let order = try await results.createOrder(
            .init(customerId: owner, sampleIds: [blood.sample.id ?? 0], tests: ["BVD", "IBR"]), context: context)
        for (line, value) in zip(order.analyses, [0.04, 0.11]) {
            _ = try await results.enter(id: line.id, .init(value: value), by: nil, context: context)
            _ = try await results.verify(id: line.id, signer: staff, context: context)
        }
        _ = try await store.issueHealth(.init(animalId: sire, destinationId: destination.id), context: context)
        return 1
    }
}
