import Biobank
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The transfer-day worklist: the recipients due that day (to check, ready, skipped, done) and
/// the embryos to transfer, fresh from culture or frozen straws to thaw, paired in the order the
/// recipients went through the chute.
extension RecipientStore {
    /// Which embryos the team offers: a customer's (the donor's owner), a donor's, a sire's, and
    /// grades 1 to `maxGrade`.
    package struct DayFilter: Sendable {
        package var customerId: Int64?
        package var donorId: Int64?
        package var sireId: Int64?
        package var maxGrade = 3

        package init(_ query: ListQuery) throws {
            customerId = try query.id("customer_id")
            donorId = try query.id("donor_id")
            sireId = try query.id("sire_id")
            maxGrade = try query.choice("max_grade", in: ["1", "2", "3"]).flatMap(Int.init) ?? 3
        }
    }

    /// A recipient on the day: her cycle day and that day's check, if she had it.
    package struct Candidate: Encodable, Sendable {
        package let recipientId: Int64
        package let animalId: Int64
        package let animal: String
        package let species: String
        package let `protocol`: String
        package let cycleDay: Int
        package let check: RecipientCheck?
        package let transferId: Int64?

        package enum CodingKeys: String, CodingKey {
            case animal, species, `protocol`, check
            case recipientId = "recipient_id"
            case animalId = "animal_id"
            case cycleDay = "cycle_day"
            case transferId = "transfer_id"
        }
    }

    /// An embryo to transfer: fresh, or frozen with the straw to thaw and where it is.
    package struct Option: Encodable, Sendable {
        package let embryoId: Int64
        package let code: String
        package let species: String
        package let iets: String
        package let grade: Int
        /// Its day of development on the transfer day.
        package let day: Int
        package let donorId: Int64
        package let donor: String
        package let sireId: Int64
        package let sire: String
        /// The donor's owner, when she has one.
        package let customer: String?
        package let fresh: Bool
        package let straw: String?
        package let address: String?

        package enum CodingKeys: String, CodingKey {
            case code, species, iets, grade, day, donor, sire, customer, fresh, straw, address
            case embryoId = "embryo_id"
            case donorId = "donor_id"
            case sireId = "sire_id"
        }
    }

    /// A ready recipient with the embryo chosen for her (none when none is in synchrony) and the
    /// synchrony: her cycle day minus the embryo's day.
    package struct Pair: Encodable, Sendable {
        package let recipient: Candidate
        package let embryo: Option?
        package let synchrony: Int?
    }

    package struct Worklist: Encodable, Sendable, ResponseEncodable {
        package let on: String
        /// `reproduction.synchrony_days`.
        package let tolerance: Int
        package let pairs: [Pair]
        package let toCheck: [Candidate]
        package let skipped: [Candidate]
        package let transferred: [Candidate]
        /// The embryos no ready recipient took.
        package let embryos: [Option]

        package enum CodingKeys: String, CodingKey {
            case on, tolerance, pairs, skipped, transferred, embryos
            case toCheck = "to_check"
        }
    }

    /// The cycle days a recipient is due on: D6 to D8 embryos (flushes and IVP) ± the tolerance.
    package var dueCycleDays: ClosedRange<Int> { (6 - settings.synchronyDays)...(8 + settings.synchronyDays) }

    package func worklist(on day: String, _ filter: DayFilter) async throws -> Worklist {
        let tolerance = settings.synchronyDays
        let window = dueCycleDays
        return try await database.read { db in
            let candidates = try Self.candidates(db, on: day, window: window)
            let ready = candidates.filter { $0.check?.suitable == true && $0.transferId == nil }
                .sorted { ($0.check?.id ?? 0) < ($1.check?.id ?? 0) }
            var options = try Self.options(db, on: day, filter)
            var pairs: [Pair] = []
            for recipient in ready {
                let index = options.firstIndex {
                    $0.species == recipient.species && abs(recipient.cycleDay - $0.day) <= tolerance
                }
                let embryo = index.map { options.remove(at: $0) }
                pairs.append(
                    Pair(recipient: recipient, embryo: embryo, synchrony: embryo.map { recipient.cycleDay - $0.day }))
            }
            return Worklist(
                on: day, tolerance: tolerance, pairs: pairs,
                toCheck: candidates.filter { $0.check == nil && $0.transferId == nil },
                skipped: candidates.filter { $0.check?.suitable == false && $0.transferId == nil },
                transferred: candidates.filter { $0.transferId != nil }, embryos: options)
        }
    }

    /// Open enrolments whose cycle day on `day` is in `window`, and those used by a transfer that day.
    private static func candidates(_ db: Database, on day: String, window: ClosedRange<Int>) throws -> [Candidate] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT r.*, a.name AS animal, a.species FROM recipients r JOIN animals a ON a.id = r.animal_id
                LEFT JOIN transfers t ON t.id = r.transfer_id
                WHERE (r.status IN ('available', 'skipped')
                       AND r.oestrus_on BETWEEN date(:day, :earliest) AND date(:day, :latest))
                   OR t.transferred_on = :day
                ORDER BY a.name, r.id
                """,
            arguments: ["day": day, "earliest": "-\(window.upperBound) days", "latest": "-\(window.lowerBound) days"])
        let ids = rows.map { $0["id"] as Int64 }
        var checks: [Int64: RecipientCheck] = [:]
        if !ids.isEmpty {
            for check in try RecipientCheck.filter(ids.contains(RecipientCheck.CodingKeys.recipientId))
                .filter(RecipientCheck.CodingKeys.checkedOn == day).fetchAll(db)
            {
                checks[check.recipientId] = check
            }
        }
        return try rows.compactMap { row in
            let recipient = try Recipient(row: row)
            let check = checks[recipient.id ?? 0]
            // Skipped on an earlier day: she waits to be synchronised again, not for today.
            if recipient.status == .skipped, check == nil { return nil }
            return Candidate(
                recipientId: recipient.id ?? 0, animalId: recipient.animalId, animal: row["animal"],
                species: row["species"], protocol: recipient.protocol, cycleDay: recipient.cycleDay(on: day) ?? 0,
                check: check, transferId: recipient.transferId)
        }
    }

    /// Embryos to transfer on `day`: fresh ones still in culture (an IVF batch's of the last nine
    /// days whose grading day has come, or flushed in vivo that day or the day before) and frozen
    /// ones whose straw is in storage; fresh first (they cannot wait), then by grade and stage.
    private static func options(_ db: Database, on day: String, _ filter: DayFilter) throws -> [Option] {
        var conditions = ["e.grade <= :grade"]
        var arguments: StatementArguments = ["day": day, "grade": filter.maxGrade]
        for (column, value) in [
            ("d.owner_id", filter.customerId), ("e.donor_id", filter.donorId), ("e.sire_id", filter.sireId),
        ] {
            guard let value else { continue }
            let name = column.replacingOccurrences(of: ".", with: "_")
            conditions.append("\(column) = :\(name)")
            arguments += [name: value]
        }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT e.*, d.name AS donor, s.name AS sire, c.name AS customer,
                       sm.external_id AS straw, sm.container_id, sm.position
                FROM embryos e JOIN animals d ON d.id = e.donor_id JOIN animals s ON s.id = e.sire_id
                LEFT JOIN customers c ON c.id = d.owner_id
                LEFT JOIN ivf_batches b ON b.id = e.batch_id
                LEFT JOIN samples sm ON sm.id = e.sample_id
                WHERE \(conditions.joined(separator: " AND ")) AND (
                    (e.fate = 'in_culture' AND (
                        (b.id IS NOT NULL AND b.fertilised_on BETWEEN date(:day, '-9 days') AND :day
                         AND date(b.fertilised_on, '+' || e.day || ' days') <= :day)
                        OR (e.batch_id IS NULL AND substr(e.created_at, 1, 10) BETWEEN date(:day, '-1 days') AND :day)))
                    OR (e.fate = 'frozen' AND sm.container_id IS NOT NULL))
                ORDER BY e.fate = 'frozen', e.grade, e.stage DESC, e.id
                LIMIT 500
                """, arguments: arguments)
        return try rows.map { row in
            let embryo = try Embryo(row: row)
            let container: Int64? = row["container_id"]
            let position: Int? = row["position"]
            return Option(
                embryoId: embryo.id ?? 0, code: embryo.code, species: embryo.species, iets: embryo.iets,
                grade: embryo.grade, day: try embryoDay(db, embryo, on: day), donorId: embryo.donorId,
                donor: row["donor"], sireId: embryo.sireId, sire: row["sire"], customer: row["customer"],
                fresh: embryo.fate == .inCulture, straw: embryo.fate == .frozen ? row["straw"] : nil,
                address: try container.map { try StorageStore.address(db, container: $0, position: position) })
        }
    }
}
