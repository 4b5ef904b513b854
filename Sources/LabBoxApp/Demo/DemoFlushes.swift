import Foundation
import GRDB
import LabBoxPlatform
import LabBoxValues
import Reproduction

/// A season of conventional embryo transfer, through the stores so every rule applies: two
/// protocols in use and one archived, donors superovulated over the last five months and flushed
/// eleven days after the start with varied yields, and two donors on protocol now, one with
/// steps due today.
package struct DemoFlushes {
    package let flushes: FlushStore
    package let superovulations: SuperovulationStore

    package init(flushes: FlushStore, superovulations: SuperovulationStore) {
        self.flushes = flushes
        self.superovulations = superovulations
    }

    /// The classic bovine protocol: FSH twice daily over 4 days in decreasing doses, PGF2α on the
    /// third day, two inseminations 12 h apart after standing heat, the flush 7 days later.
    static let fourDay: [SuperovulationStore.StepInput] =
        [(0, 4.0), (1, 3.0), (2, 2.0), (3, 1.0)].flatMap { day, dose in
            [
                SuperovulationStore.StepInput(day: day, time: "07:00", kind: "fsh", amount: dose, unit: "ml"),
                SuperovulationStore.StepInput(day: day, time: "19:00", kind: "fsh", amount: dose, unit: "ml"),
            ]
        } + [
            .init(day: 2, time: "07:00", kind: "pgf", amount: 2, unit: "ml", note: "with the 5th FSH dose"),
            .init(day: 4, time: "19:00", kind: "insemination", note: "12 h after standing heat"),
            .init(day: 5, time: "07:00", kind: "insemination", note: "24 h after standing heat"),
            .init(day: 11, time: "09:00", kind: "flush", note: "day 7 after oestrus"),
        ]

    package func generate(context: EventContext) async throws -> String {
        let (donors, sires) = try await flushes.database.read { db in
            (
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM animals WHERE sex = 'female' AND species = 'bovine' AND deleted_at IS NULL
                        ORDER BY id LIMIT 8
                        """),
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM animals WHERE sex = 'male' AND species = 'bovine' AND deleted_at IS NULL
                        ORDER BY id LIMIT 3
                        """)
            )
        }
        guard donors.count >= 3, !sires.isEmpty else { return "no flushes (no bovine donors and sires)" }
        let classic = try await superovulations.createProtocol(
            .init(
                name: "Bovine FSH 4-day decreasing", species: "bovine",
                notes: "8 FSH doses 12 h apart (4-4, 3-3, 2-2, 1-1 ml), PGF2α with the 5th.", steps: Self.fourDay),
            context: context)
        let short = try await superovulations.createProtocol(
            .init(
                name: "Bovine FSH 3-day, 2× PGF", species: "bovine",
                steps: [
                    .init(day: 0, time: "08:00", kind: "fsh", amount: 5, unit: "ml"),
                    .init(day: 0, time: "20:00", kind: "fsh", amount: 5, unit: "ml"),
                    .init(day: 1, time: "08:00", kind: "fsh", amount: 3, unit: "ml"),
                    .init(day: 1, time: "20:00", kind: "fsh", amount: 3, unit: "ml"),
                    .init(day: 2, time: "08:00", kind: "pgf", amount: 2, unit: "ml"),
                    .init(day: 2, time: "20:00", kind: "pgf", amount: 2, unit: "ml"),
                    .init(day: 4, time: "08:00", kind: "insemination"),
                    .init(day: 4, time: "20:00", kind: "insemination"),
                    .init(day: 11, time: "09:00", kind: "flush"),
                ]), context: context)
        let old = try await superovulations.createProtocol(
            .init(
                name: "Bovine FSH 5-day (old)", species: "bovine",
                steps: [.init(day: 0, time: "07:00", kind: "fsh", amount: 2.5, unit: "ml")]), context: context)
        _ = try await superovulations.archiveProtocol(id: old.id ?? 0, archived: true, context: context)

        let today = Day.today
        var flushed = 0
        var embryos = 0
        // Every donor but the last two is superovulated every six weeks or so over five months.
        for (index, donor) in donors.dropLast(2).enumerated() {
            for round in 0..<3 {
                let start = Day.adding(-150 + round * 45 + index * 4, to: today) ?? today
                guard let flushDay = Day.adding(11, to: start), flushDay < today else { continue }
                let template = (index + round) % 3 == 0 ? short : classic
                let run = try await superovulations.start(
                    .init(donorId: donor, protocolId: template.id, startedOn: start), context: context)
                // Yields vary widely (0 to 20 here, around 6 transferable on average).
                let seed = (index * 7 + round * 13) % 17
                let recovered = seed + 2
                let unfertilised = seed % 4
                let degenerate = seed % 3
                let grades = (0..<max(0, recovered - unfertilised - degenerate - 1)).map { number in
                    EmbryoStore.Grade(stage: [7, 6, 5, 7, 4][number % 5], grade: [1, 1, 2, 1, 3, 4][number % 6])
                }
                let flush = try await flushes.create(
                    .init(
                        donorId: donor, sireId: sires[(index + round) % sires.count], superovulationId: run.id,
                        flushedOn: flushDay, operator: "Dr. Moreau", day: 7, recovered: recovered,
                        unfertilised: unfertilised, degenerate: degenerate, embryos: grades), context: context)
                flushed += flush.id == nil ? 0 : 1
                embryos += grades.count
            }
        }
        // On protocol now: one started three days ago (FSH due today), one starting today.
        for (donor, daysAgo) in zip(donors.suffix(2), [3, 0]) {
            let run = try await superovulations.start(
                .init(donorId: donor, protocolId: classic.id, startedOn: Day.adding(-daysAgo, to: today)),
                context: context)
            let detail = try await superovulations.detail(id: run.id ?? 0)
            for step in detail.steps where step.dueOn < today {
                _ = try await superovulations.markDone(step: step.id ?? 0, context: context)
            }
        }
        return "3 superovulation protocols, \(flushed) flushes with \(embryos) embryos, 2 donors on protocol now"
    }
}
