import Animals
import Biobank
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Flushes and their embryos: the only place with their SQL. A flush, its graded embryos (the
/// same embryo records as IVP ones, in vivo), the semen straw marked used and the superovulation
/// it ends are written, and audited, in one transaction.
package struct FlushStore: Sendable {
    package let database: AppDatabase

    package struct Input: Codable, Sendable {
        package var donorId: Int64?
        package var sireId: Int64?
        package var semenSampleId: Int64?
        package var superovulationId: Int64?
        package var flushedOn: String?
        package var `operator`: String?
        package var day: Int?
        package var recovered: Int?
        package var unfertilised: Int?
        package var degenerate: Int?
        /// The graded embryos, IETS stage and quality each.
        package var embryos: [EmbryoStore.Grade]?
        package var notes: String?

        package enum CodingKeys: String, CodingKey {
            case day, recovered, unfertilised, degenerate, embryos, notes
            case `operator`
            case donorId = "donor_id"
            case sireId = "sire_id"
            case semenSampleId = "semen_sample_id"
            case superovulationId = "superovulation_id"
            case flushedOn = "flushed_on"
        }

        package init(
            donorId: Int64? = nil, sireId: Int64? = nil, semenSampleId: Int64? = nil, superovulationId: Int64? = nil,
            flushedOn: String? = nil, `operator`: String? = nil, day: Int? = nil, recovered: Int? = nil,
            unfertilised: Int? = nil, degenerate: Int? = nil, embryos: [EmbryoStore.Grade]? = nil, notes: String? = nil
        ) {
            self.donorId = donorId
            self.sireId = sireId
            self.semenSampleId = semenSampleId
            self.superovulationId = superovulationId
            self.flushedOn = flushedOn
            self.`operator` = `operator`
            self.day = day
            self.recovered = recovered
            self.unfertilised = unfertilised
            self.degenerate = degenerate
            self.embryos = embryos
            self.notes = notes
        }
    }

    /// Records a flush. Graded embryos, UFO and degenerate together are at most what was
    /// recovered; a superovulation it ends must be the donor's and active.
    package func create(_ input: Input, context: EventContext) async throws -> Flush {
        let notes = try InputCheck.text(input.notes, field: "notes", limit: 2000)
        try InputCheck.length(input.operator ?? "", field: "operator", limit: 200)
        let recovered = try InputCheck.count(input.recovered, field: "recovered", maximum: 500)
        let unfertilised = try InputCheck.count(input.unfertilised ?? 0, field: "unfertilised", maximum: 500)
        let degenerate = try InputCheck.count(input.degenerate ?? 0, field: "degenerate", maximum: 500)
        let grades = input.embryos ?? []
        guard grades.count <= 200 else {
            throw APIError.validationFailed("At most 200 embryos per flush.", field: "embryos")
        }
        let checked = try grades.enumerated().map { try EmbryoStore.checked($1, index: $0) }
        let day = input.day ?? 7
        guard (1...9).contains(day) else {
            throw APIError.validationFailed("The embryos' day is 1 to 9 (usually 7).", field: "day")
        }
        guard checked.count + unfertilised + degenerate <= recovered else {
            throw APIError.validationFailed(
                "\(checked.count) embryos graded, \(unfertilised) UFO and \(degenerate) degenerate make "
                    + "\(checked.count + unfertilised + degenerate), more than the \(recovered) recovered.",
                field: "recovered")
        }
        return try await database.write(context) { write in
            let db = write.db
            let donor = try Breeding.animal(db, input.donorId, field: "donor_id", sex: .female)
            let sire = try Breeding.animal(db, input.sireId, field: "sire_id", sex: .male)
            guard donor.species == sire.species else {
                throw APIError.validationFailed("Donor and sire must be of one species.", field: "sire_id")
            }
            let next = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM flushes") ?? 1
            let now = Date()
            var flush = Flush(
                code: "FL-" + String(format: "%04lld", next), donorId: donor.id ?? 0, sireId: sire.id ?? 0,
                flushedOn: try Day.past(input.flushedOn, field: "flushed_on", label: "flush date"),
                operator: try InputCheck.text(input.operator, field: "operator", fallback: context.actorName),
                day: day, recovered: recovered, unfertilised: unfertilised, degenerate: degenerate, notes: notes,
                createdAt: now, updatedAt: now)
            if let runID = input.superovulationId {
                let ended = try Self.end(runID, donor: donor, flush: flush, in: write)
                flush.superovulationId = ended
            }
            if let sampleID = input.semenSampleId {
                flush.semenSampleId = try ReproductionStore.useSemen(
                    sampleID, sire: sire, for: "inseminating \(donor.name), flush \(flush.code)", in: write)
            }
            try write.insert(&flush)
            _ = try EmbryoStore.insert(
                checked, day: day, origin: .inVivo, batch: nil, flush: flush.id, donor: donor, sire: sire,
                codes: (flush.code, 0), in: write)
            return flush
        }
    }

    /// Marks the superovulation `id` flushed: it must be `donor`'s and still active.
    private static func end(_ id: Int64, donor: Animal, flush: Flush, in write: AuditedWrite) throws -> Int64 {
        guard let previous = try Superovulation.fetchOne(write.db, key: id) else {
            throw APIError.validationFailed("No superovulation has id \(id).", field: "superovulation_id")
        }
        guard previous.donorId == donor.id else {
            throw APIError.validationFailed(
                "\(previous.code) is another donor's superovulation.", field: "superovulation_id")
        }
        guard previous.status == .active else {
            throw APIError(
                status: .conflict, code: "conflict",
                message: "\(previous.code) is \(previous.status.rawValue) already.", field: "superovulation_id")
        }
        var run = previous
        run.status = .flushed
        run.updatedAt = Date()
        try write.update(run, from: previous, action: "superovulation.flush", reason: "flushed, \(flush.code)")
        return id
    }

    static func flush(_ db: Database, id: Int64) throws -> Flush {
        guard let flush = try Flush.fetchOne(db, key: id) else { throw APIError.notFound("No flush has id \(id).") }
        return flush
    }

    /// A flush with its donor's and sire's names, the straw used, and its embryos.
    package struct Detail: Encodable, Sendable, ResponseEncodable {
        package let flush: Flush
        package let donor: String
        package let sire: String
        package let semenStraw: String?
        package let superovulationCode: String?
        package let embryos: [Embryo]

        /// Graded embryos of quality 1–3: those a transfer may take.
        package var transferable: Int { embryos.filter { $0.grade < 4 }.count }

        package enum CodingKeys: String, CodingKey {
            case donor, sire, embryos, transferable
            case semenStraw = "semen_straw"
            case superovulationCode = "superovulation_code"
        }

        package func encode(to encoder: Encoder) throws {
            try flush.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(donor, forKey: .donor)
            try container.encode(sire, forKey: .sire)
            try container.encode(semenStraw, forKey: .semenStraw)
            try container.encode(superovulationCode, forKey: .superovulationCode)
            try container.encode(transferable, forKey: .transferable)
            try container.encode(embryos, forKey: .embryos)
        }
    }

    package func detail(id: Int64) async throws -> Detail {
        try await database.read { db in
            let flush = try Self.flush(db, id: id)
            let names = try Breeding.animalNames(db, [flush.donorId, flush.sireId])
            let embryos = try Embryo.filter(Embryo.CodingKeys.flushId == id).order(Column("id")).fetchAll(db)
            return Detail(
                flush: flush, donor: names[flush.donorId] ?? "#\(flush.donorId)",
                sire: names[flush.sireId] ?? "#\(flush.sireId)",
                semenStraw: try flush.semenSampleId.flatMap { try Sample.fetchOne(db, key: $0)?.externalId },
                superovulationCode: try flush.superovulationId.flatMap {
                    try String.fetchOne(db, sql: "SELECT code FROM superovulations WHERE id = ?", arguments: [$0])
                }, embryos: embryos)
        }
    }

    package struct Filter: Sendable {
        package var donorId: Int64?
        package var from: String?
        package var to: String?

        /// `donor_id`, and `from` / `to`: days of the flush, both included.
        package init(_ query: ListQuery) throws {
            donorId = try query.id("donor_id")
            from = try Self.day(query["from"], field: "from")
            to = try Self.day(query["to"], field: "to")
            if let from, let to, from > to {
                throw APIError.validationFailed("from is after to.", field: "to")
            }
        }

        private static func day(_ text: String?, field: String) throws -> String? {
            guard let text else { return nil }
            guard let day = Day.date(text) else {
                throw APIError.invalid("\(field) must be YYYY-MM-DD.", field: field)
            }
            return Day.text(day)
        }
    }

    /// A flush in a list: its counts and how many embryos were graded and transferable.
    package struct Line: Encodable, Sendable {
        package let flush: Flush
        package let donor: String
        package let graded: Int
        package let transferable: Int

        package enum CodingKeys: String, CodingKey { case donor, graded, transferable }

        package func encode(to encoder: Encoder) throws {
            try flush.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(donor, forKey: .donor)
            try container.encode(graded, forKey: .graded)
            try container.encode(transferable, forKey: .transferable)
        }
    }

    /// Flushes, newest first (by id), one page.
    package func list(_ filter: Filter, after: KeysetPosition?, limit: Int) async throws
        -> (items: [Line], next: KeysetPosition?)
    {
        try await database.read { db in
            var request = Flush.all()
            if let donor = filter.donorId { request = request.filter(Flush.CodingKeys.donorId == donor) }
            if let from = filter.from { request = request.filter(Flush.CodingKeys.flushedOn >= from) }
            if let to = filter.to { request = request.filter(Flush.CodingKeys.flushedOn <= to) }
            let page = try request.page(
                db, order: ListOrder(column: "id", descending: true), after: after, limit: limit)
            let names = try Breeding.animalNames(db, page.items.map(\.donorId))
            let counts = try Self.embryoCounts(db, flushes: page.items.compactMap(\.id))
            return (
                page.items.map { flush in
                    let count = counts[flush.id ?? 0] ?? (0, 0)
                    return Line(
                        flush: flush, donor: names[flush.donorId] ?? "#\(flush.donorId)", graded: count.graded,
                        transferable: count.transferable)
                }, page.next
            )
        }
    }

    /// Graded and transferable (quality 1–3) embryos per flush.
    static func embryoCounts(_ db: Database, flushes ids: [Int64]) throws -> [Int64: (graded: Int, transferable: Int)] {
        guard !ids.isEmpty else { return [:] }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT flush_id, count(*) AS graded, sum(grade < 4) AS transferable FROM embryos
                WHERE flush_id IN (\(ids.map { _ in "?" }.joined(separator: ","))) GROUP BY flush_id
                """, arguments: StatementArguments(ids))
        return Dictionary(
            uniqueKeysWithValues: rows.map { row -> (Int64, (graded: Int, transferable: Int)) in
                (row["flush_id"], (row["graded"], row["transferable"]))
            })
    }

    /// The active superovulations, for the flush form's choice (the donor's is picked by her).
    package func activeSuperovulations() async throws -> [(run: Superovulation, donor: String)] {
        try await database.read { db in
            let runs = try Superovulation.filter(Superovulation.CodingKeys.status == "active")
                .order(Superovulation.CodingKeys.startedOn.desc).limit(200).fetchAll(db)
            let names = try Breeding.animalNames(db, runs.map(\.donorId))
            return runs.map { ($0, names[$0.donorId] ?? "#\($0.donorId)") }
        }
    }

    package init(database: AppDatabase) {
        self.database = database
    }
}
