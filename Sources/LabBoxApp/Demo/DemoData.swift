import Animals
import Biobank
import Customers
import Foundation
import GRDB
import LabBoxPlatform

/// A realistic dataset for demos, screenshots and benchmarks: customers, animals over several
/// generations, LN2 tanks filled with straws, and samples with their audit events. Deterministic
/// for a given seed. Never runs by itself.
package struct DemoData {
    package struct Sizes: Sendable {
        package var customers: Int
        package var animals: Int
        package var samples: Int
        /// Nil: as many as the stored straws need (at least 8).
        package var tanks: Int?

        package init(customers: Int = 300, animals: Int = 20_000, samples: Int = 40_000, tanks: Int? = nil) {
            self.customers = customers
            self.animals = animals
            self.samples = samples
            self.tanks = tanks
        }

        /// Tanks hold 600 straws; about half of all samples are stored straws.
        package var tankCount: Int { tanks ?? max(8, (samples / 2 + 599) / 600) }
    }

    package struct Counts: Sendable, CustomStringConvertible {
        package var customers = 0
        package var animals = 0
        package var samples = 0
        package var containers = 0
        package var storedInTanks = 0

        package var description: String {
            "\(customers) customers, \(animals) animals, \(samples) samples (\(storedInTanks) in tanks), "
                + "\(containers) storage containers"
        }
    }

    package let sizes: Sizes
    package var random: SplitMix64

    package init(sizes: Sizes, seed: UInt64) {
        self.sizes = sizes
        self.random = SplitMix64(seed: seed)
    }

    /// Shares of the mix, after the domain primer: bovine IVP dominates, semen is most of the store.
    package static let species: [(String, Int)] = [
        ("bovine", 70), ("equine", 12), ("ovine", 5), ("caprine", 4), ("porcine", 4), ("canine", 3), ("feline", 2),
    ]
    package static let kinds: [(String, Int)] = [
        ("semen", 50), ("embryo", 20), ("oocyte", 10), ("blood", 10), ("tissue", 5), ("dna", 5),
    ]
    package static let statuses: [(Sample.Status, Int)] = [
        (.stored, 60), (.received, 10), (.inProcess, 5), (.shipped, 15), (.used, 7), (.discarded, 3),
    ]
    package static let breeds = [
        "bovine": ["Holstein", "Angus", "Simmental", "Jersey", "Brown Swiss"],
        "equine": ["Hanoverian", "Arabian", "Quarter Horse"], "ovine": ["Merino", "Suffolk"],
        "caprine": ["Saanen", "Boer"], "porcine": ["Large White", "Duroc"], "canine": ["Labrador", "Beagle"],
        "feline": ["Maine Coon", "Siamese"],
    ]
    package static let storedAsStraws: Set<String> = ["semen", "embryo", "oocyte"]

    /// `value` in decimal with leading zeros to `width` digits (`String(format:)` is slow in bulk).
    package static func zeroPadded(_ value: Int, to width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    package static let places = [
        "Kiel", "Celle", "Verden", "Utrecht", "Lyon", "Cork", "Aarhus", "Ghent", "Graz", "Bern",
    ]

    /// Fills an empty database in one transaction per part, with audit events as the application
    /// writes them.
    package mutating func generate(into database: AppDatabase, context: EventContext) async throws -> Counts {
        let sizes = sizes
        let seeded = random
        var (counts, rng) = try await database.write(context) { write -> (Counts, SplitMix64) in
            var rng = seeded
            var counts = Counts()
            guard try Sample.fetchCount(write.db) == 0, try Animal.fetchCount(write.db) == 0 else {
                throw DemoDataError.notEmpty
            }
            let now = Date()
            var customers = (0..<sizes.customers).map { index in
                let person = rng.next(100) < 40
                var customer = Customer(
                    id: nil, kind: person ? .person : .organisation,
                    name: person
                        ? "Breeder \(index + 1)" : "Farm \(index + 1) \(Self.places[index % Self.places.count])",
                    city: Self.places[rng.next(Self.places.count)], createdAt: now, updatedAt: now)
                customer.email = "contact\(index + 1)@customer.example"
                // Most follow the lab's default for verified results; some want a link, a few no email.
                customer.resultsDelivery = index % 5 == 1 ? "link" : index % 7 == 3 ? "none" : ""
                return customer
            }
            try write.insertAll(&customers)
            let customerIDs = customers.map { $0.id ?? 0 }
            counts.customers = customerIDs.count
            // Animals come in generations: the first quarter are founders, later ones take parents of
            // their species from earlier animals (from earlier chunks: each chunk is one bulk insert,
            // an eighth of the animals or at most a thousand), so pedigrees run three to four
            // generations deep.
            var males: [String: [Int64]] = [:]
            var females: [String: [Int64]] = [:]
            var animalSpecies: [(Int64, String)] = []
            let chunk = max(1, min(1000, sizes.animals / 8))
            for start in stride(from: 0, to: sizes.animals, by: chunk) {
                var animals: [Animal] = []
                for index in start..<min(start + chunk, sizes.animals) {
                    let species = rng.pick(Self.species)
                    let sex: Animal.Sex = rng.next(2) == 0 ? .female : .male
                    var animal = Animal(
                        id: nil, species: species, name: "\(sex == .male ? "Bull" : "Cow")-\(index + 1)", sex: sex,
                        breed: Self.breeds[species]?[rng.next(Self.breeds[species]?.count ?? 1)] ?? "",
                        birthDate: "\(2008 + index * 16 / max(sizes.animals, 1))-0\(1 + rng.next(9))-1\(rng.next(9))",
                        notes: "", ownerId: customerIDs.isEmpty ? nil : customerIDs[rng.next(customerIDs.count)],
                        status: rng.next(100) < 90 ? .active : (rng.next(2) == 0 ? .sold : .deceased),
                        sireId: nil, damId: nil, createdAt: now, updatedAt: now, deletedAt: nil)
                    if index >= sizes.animals / 4 {
                        animal.sireId = males[species].flatMap { $0.isEmpty ? nil : $0[rng.next($0.count)] }
                        animal.damId = females[species].flatMap { $0.isEmpty ? nil : $0[rng.next($0.count)] }
                    }
                    animals.append(animal)
                }
                try write.insertAll(&animals)
                for animal in animals {
                    let id = animal.id ?? 0
                    if animal.sex == .male {
                        males[animal.species, default: []].append(id)
                    } else {
                        females[animal.species, default: []].append(id)
                    }
                    animalSpecies.append((id, animal.species))
                }
            }
            counts.animals = animalSpecies.count
            return (counts, rng)
        }
        let tanks = try await database.write(context) { write in try Self.buildTanks(sizes.tankCount, in: write) }
        counts.containers = tanks.containers
        // Samples in batches, so a million rows never sit in one enormous transaction, and their
        // lookup indexes built once at the end (DeferredIndexes). Should the load stop half-way,
        // the directory holds a half-made demo either way, which `demo-data` refuses to extend.
        let animalIDs = try await database.read { try Int64.fetchAll($0, sql: "SELECT id FROM animals") }
        let deferred = try await database.pool.write { try DeferredIndexes(table: Sample.databaseTableName, in: $0) }
        var slots = tanks.slots
        var written = 0
        while written < sizes.samples {
            let batch = min(50_000, sizes.samples - written)
            let start = written
            let (batchRNG, batchSlots) = (rng, slots)
            let result = try await database.write(context) { write -> (Int, [(Int64, Int)], SplitMix64) in
                var rng = batchRNG
                var slots = batchSlots
                var stored = 0
                let now = Date()
                var samples: [Sample] = []
                samples.reserveCapacity(batch)
                for index in start..<(start + batch) {
                    let kind = rng.pick(Self.kinds)
                    var sample = Sample(
                        id: nil, externalId: "LB-" + Self.zeroPadded(index + 1, to: 7), species: rng.pick(Self.species),
                        kind: kind, status: rng.pick(Self.statuses),
                        animalId: animalIDs.isEmpty ? nil : animalIDs[rng.next(animalIDs.count)],
                        collectedAt: now.addingTimeInterval(-Double(rng.next(5 * 365 * 86_400))),
                        notes: rng.next(10) == 0 ? "Demo note for sample \(index + 1)" : "", createdAt: now,
                        updatedAt: now)
                    if sample.status == .stored, Self.storedAsStraws.contains(kind), let slot = slots.popLast() {
                        sample.containerId = slot.0
                        sample.position = slot.1
                        stored += 1
                    } else if sample.status == .stored {
                        sample.status = .received
                    }
                    samples.append(sample)
                }
                try write.insertAll(&samples)
                return (stored, slots, rng)
            }
            counts.storedInTanks += result.0
            slots = result.1
            rng = result.2
            written += batch
        }
        try await database.pool.write { try deferred.rebuild(in: $0) }
        counts.samples = written
        random = rng
        return counts
    }

    /// `count` tanks of 6 canisters × 10 goblets × 10 straws, with a fill logged for each tank;
    /// returns the free slots, last first. Each level is one bulk insert.
    package static func buildTanks(_ count: Int, in write: AuditedWrite) throws -> (
        containers: Int, slots: [(Int64, Int)]
    ) {
        let now = Date()
        func level(_ kind: StorageContainer.Kind, _ names: [String], under parents: [Int64?], columns: Int = 0)
            throws -> [Int64]
        {
            var containers = parents.flatMap { parent in
                names.map { name in
                    StorageContainer(
                        id: nil, parentId: parent, kind: kind, name: name, rows: columns > 0 ? 1 : 0,
                        columns: columns, notes: "", createdAt: now, updatedAt: now)
                }
            }
            try write.insertAll(&containers)
            return containers.map { $0.id ?? 0 }
        }
        guard count > 0 else { return (0, []) }
        let tanks = try level(.tank, (1...count).map { "Tank \($0)" }, under: [nil])
        let canisters = try level(.canister, (1...6).map { "C\($0)" }, under: tanks)
        let goblets = try level(.goblet, (1...10).map { "G\($0)" }, under: canisters, columns: 10)
        for tank in tanks {
            var fill = TankFill(
                id: nil, containerId: tank, filledAt: now, levelBeforeCm: 24, levelAfterCm: 48, litres: 35,
                userId: nil, byName: write.context.actorName, notes: "demo")
            try write.insert(&fill, action: "storage.fill")
        }
        let slots = goblets.flatMap { goblet in (1...10).map { (goblet, $0) } }
        return (tanks.count + canisters.count + goblets.count, slots.reversed())
    }
}

package enum DemoDataError: Error, CustomStringConvertible {
    case notEmpty
    package var description: String { "the data directory already has animals or samples; use an empty one" }
}

/// A small, fast, seedable generator (SplitMix64), so a seed always gives the same dataset.
package struct SplitMix64: Sendable {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func nextValue() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound.
    package mutating func next(_ bound: Int) -> Int { Int(nextValue() % UInt64(max(bound, 1))) }

    /// One of `weighted` in proportion to its weight.
    package mutating func pick<T>(_ weighted: [(T, Int)]) -> T {
        var roll = next(weighted.reduce(0) { $0 + $1.1 })
        for (value, weight) in weighted {
            if roll < weight { return value }
            roll -= weight
        }
        return weighted[weighted.count - 1].0
    }
}
