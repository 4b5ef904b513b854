import Animals
import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxValues

/// Parentage by exclusion. A parent and its offspring conflict at a marker when they share no
/// allele (for two-allele SNPs: opposite homozygotes, AA vs BB); with both parents, the offspring
/// must carry one allele from each. Only markers called in everyone compared count.
package enum Parentage {
    /// Who is compared: the offspring with a putative sire, dam or both, on `panel` if named.
    package struct Question: Sendable {
        package var offspring: Int64
        package var sire: Int64?
        package var dam: Int64?
        package var panel: String?
    }

    package enum Verdict: String, Codable, Sendable {
        /// Conflicts within the tolerance, enough markers called.
        case qualifies
        /// More conflicts than the tolerance allows: not the parent.
        case excluded
        /// Too few markers called (or compared) to decide.
        case undetermined
    }

    package struct Conflict: Codable, Sendable, Equatable {
        package let marker: String
        package let offspring: String
        package let sire: String?
        package let dam: String?
    }

    /// One comparison: offspring with the sire, with the dam, or with both (trio).
    package struct Comparison: Codable, Sendable {
        package let compared: Int
        package let conflicts: [Conflict]
        package let conflictPercent: Double
        package let verdict: Verdict

        package enum CodingKeys: String, CodingKey {
            case compared, conflicts, verdict
            case conflictPercent = "conflict_percent"
        }
    }

    package struct Party: Codable, Sendable {
        package let animalId: Int64
        package let name: String
        package let callRatePercent: Double

        package enum CodingKeys: String, CodingKey {
            case name
            case animalId = "animal_id"
            case callRatePercent = "call_rate_percent"
        }
    }

    package struct Report: Codable, Sendable, ResponseEncodable {
        package let panel: String
        package let panelMarkers: Int
        package let offspring: Party
        package let sire: Party?
        package let dam: Party?
        package let sireCheck: Comparison?
        package let damCheck: Comparison?
        package let trioCheck: Comparison?
        package let verdict: Verdict
        package let thresholds: ParentageThresholds

        package enum CodingKeys: String, CodingKey {
            case panel, offspring, sire, dam, verdict, thresholds
            case panelMarkers = "panel_markers"
            case sireCheck = "sire_check"
            case damCheck = "dam_check"
            case trioCheck = "trio_check"
        }
    }

    /// The check itself, on genotypes of one panel whose markers are `markers`.
    package static func compare(
        markers: [Substring], offspring: Genotype, sire: Genotype?, dam: Genotype?, thresholds: ParentageThresholds
    ) -> (sire: Comparison?, dam: Comparison?, trio: Comparison?) {
        let callRates = [offspring, sire, dam].compactMap { $0 }.map { $0.callRate(panelSize: markers.count) * 100 }
        let enoughCalls = callRates.allSatisfy { $0 >= Double(thresholds.minCallRatePercent) }
        func comparison(_ compared: Int, _ conflicts: [Conflict]) -> Comparison {
            let percent = compared == 0 ? 0 : Double(conflicts.count) * 100 / Double(compared)
            let verdict: Verdict =
                !enoughCalls || compared == 0
                ? .undetermined : percent <= Double(thresholds.maxConflictPercent) ? .qualifies : .excluded
            return Comparison(
                compared: compared, conflicts: conflicts, conflictPercent: (percent * 100).rounded() / 100,
                verdict: verdict)
        }
        func text(_ call: (UInt8, UInt8)?) -> String? {
            call.map { String(decoding: [$0.0, UInt8(ascii: "/"), $0.1], as: UTF8.self) }
        }
        func shares(_ a: (UInt8, UInt8), _ b: (UInt8, UInt8)) -> Bool {
            a.0 == b.0 || a.0 == b.1 || a.1 == b.0 || a.1 == b.1
        }
        var pairs: [(compared: Int, conflicts: [Conflict])] = [(0, []), (0, [])]
        var trio: (compared: Int, conflicts: [Conflict]) = (0, [])
        for (index, marker) in markers.enumerated() {
            guard let child = offspring.call(at: index) else { continue }
            let parents = [sire?.call(at: index), dam?.call(at: index)]
            let conflict = Conflict(
                marker: String(marker), offspring: text(child) ?? "", sire: text(parents[0]), dam: text(parents[1]))
            for (slot, parent) in parents.enumerated() {
                guard let parent else { continue }
                pairs[slot].compared += 1
                if !shares(child, parent) { pairs[slot].conflicts.append(conflict) }
            }
            if let s = parents[0], let d = parents[1] {
                trio.compared += 1
                let fits =
                    ([s.0, s.1].contains(child.0) && [d.0, d.1].contains(child.1))
                    || ([s.0, s.1].contains(child.1) && [d.0, d.1].contains(child.0))
                if !fits { trio.conflicts.append(conflict) }
            }
        }
        return (
            sire.map { _ in comparison(pairs[0].compared, pairs[0].conflicts) },
            dam.map { _ in comparison(pairs[1].compared, pairs[1].conflicts) },
            sire != nil && dam != nil ? comparison(trio.compared, trio.conflicts) : nil
        )
    }

    /// The report for animals `offspring`, `sire` and/or `dam`, on `panel` or else the panel all
    /// of them are genotyped on (the largest, if several).
    package static func report(_ db: Database, _ question: Question, thresholds: ParentageThresholds) throws -> Report {
        let (offspring, sire, dam, panel) = (question.offspring, question.sire, question.dam, question.panel)
        guard sire != nil || dam != nil else {
            throw APIError.validationFailed("Give a putative sire, a dam, or both.", field: "sire")
        }
        let ids = [offspring, sire, dam].compactMap { $0 }
        for (id, field) in zip([offspring, sire, dam], ["offspring", "sire", "dam"]) {
            guard let id else { continue }
            guard try Animal.fetchOne(db, key: id) != nil else {
                throw APIError.validationFailed("No animal has id \(id).", field: field)
            }
        }
        let candidates = try GenotypePanel.fetchAll(
            db,
            sql: """
                SELECT p.* FROM genotype_panels p
                WHERE (SELECT COUNT(DISTINCT animal_id) FROM genotypes g
                       WHERE g.panel_id = p.id AND g.animal_id IN (\(ids.map { _ in "?" }.joined(separator: ",")))) = ?
                ORDER BY LENGTH(p.markers) DESC
                """, arguments: StatementArguments(ids) + [Set(ids).count])
        let chosen = panel.map { name in candidates.first { $0.name.lowercased() == name.lowercased() } }
        guard let panelRecord = chosen ?? candidates.first else {
            throw APIError.invalid(
                panel.map { "Not all of these animals are genotyped on \($0)." }
                    ?? "No panel has genotypes for all of these animals; import them first.",
                field: "panel")
        }
        let markers = panelRecord.markerList
        func load(_ id: Int64?) throws -> (Genotype, Party)? {
            guard let id,
                let genotype = try Genotype.filter(
                    Genotype.CodingKeys.animalId == id && Genotype.CodingKeys.panelId == panelRecord.id
                ).fetchOne(db),
                let animal = try Animal.fetchOne(db, key: id)
            else { return nil }
            let rate = (genotype.callRate(panelSize: markers.count) * 1000).rounded() / 10
            return (genotype, Party(animalId: id, name: animal.name, callRatePercent: rate))
        }
        guard let child = try load(offspring) else { throw APIError.notFound("No genotype for the offspring.") }
        let sireData = try load(sire)
        let damData = try load(dam)
        let checks = compare(
            markers: markers, offspring: child.0, sire: sireData?.0, dam: damData?.0, thresholds: thresholds)
        let verdicts = [checks.sire, checks.dam, checks.trio].compactMap { $0?.verdict }
        let verdict: Verdict =
            verdicts.contains(.excluded) ? .excluded : verdicts.contains(.undetermined) ? .undetermined : .qualifies
        return Report(
            panel: panelRecord.name, panelMarkers: markers.count, offspring: child.1, sire: sireData?.1,
            dam: damData?.1, sireCheck: checks.sire, damCheck: checks.dam, trioCheck: checks.trio, verdict: verdict,
            thresholds: thresholds)
    }
}
