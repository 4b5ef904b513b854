import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Reproduction

/// Recipients and transfer days, through the stores so every rule applies: three past transfer
/// days (recipients enrolled a week before, checked at the chute, one skipped each time, the others
/// given a flushed embryo under a witness and diagnosed a month later) and today's, with two
/// recipients checked and three waiting at the chute for the frozen straws in the tanks.
package struct DemoRecipients {
    package let stores: ReproductionStores
    package let staff: User

    package init(stores: ReproductionStores, staff: User) {
        self.stores = stores
        self.staff = staff
    }

    package func generate(context: EventContext) async throws -> String {
        let database = stores.recipients.database
        // Heifers of the herd that are not donors: recipients are kept for carrying, not breeding.
        let (females, parents) = try await database.read { db in
            (
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM animals a WHERE species = 'bovine' AND sex = 'female' AND deleted_at IS NULL
                        AND NOT EXISTS (SELECT 1 FROM opu_sessions o WHERE o.donor_id = a.id)
                        AND NOT EXISTS (SELECT 1 FROM recipients r WHERE r.animal_id = a.id)
                        ORDER BY id DESC LIMIT 17
                        """),
                try Row.fetchOne(
                    db,
                    sql: """
                        SELECT b.donor_id, b.sire_id FROM ivf_batches b JOIN animals s ON s.id = b.sire_id
                        WHERE s.species = 'bovine' ORDER BY b.id LIMIT 1
                        """
                ).map { (donor: $0["donor_id"] as Int64, sire: $0["sire_id"] as Int64) }
            )
        }
        guard females.count == 17, let parents else { return "no recipients (too few heifers or no donor)" }
        let today = Day.today
        var herd = females[...]
        var (transfers, skipped) = (0, 0)
        func enrol(oestrus: String, protocol: String) async throws -> Int64 {
            try await stores.recipients.enrol(
                .init(animalId: herd.popFirst(), protocol: `protocol`, oestrusOn: oestrus), context: context
            ).id ?? 0
        }
        for daysAgo in [60, 40, 20] {
            let day = Day.adding(-daysAgo, to: today) ?? today
            // The day's flush of a donor: three day-7 embryos, transferred fresh at the chute.
            var flushed = try await stores.embryos.grade(
                batch: nil,
                .init(
                    day: 7, embryos: [.init(stage: 7, grade: 1), .init(stage: 6, grade: 1), .init(stage: 7, grade: 2)],
                    donorId: parents.donor, sireId: parents.sire), context: context
            )[...]
            // Checked in this order at the chute: scores 1, 2 and 3, and one without a corpus luteum.
            for (index, score) in [1, 2, 3, 0].enumerated() {
                let animal = herd.first ?? 0
                let recipient = try await enrol(
                    oestrus: Day.adding(index == 2 ? -8 : -7, to: day) ?? day,
                    protocol: index == 1 ? "natural heat" : Recipient.protocols[1])
                guard score > 0 else {
                    _ = try await stores.recipients.check(
                        recipient: recipient, .init(checkedOn: day, clPresent: false), context: context)
                    skipped += 1
                    continue
                }
                let side = index % 2 == 0 ? "left" : "right"
                _ = try await stores.recipients.check(
                    recipient: recipient, .init(checkedOn: day, clPresent: true, clSide: side, clScore: score),
                    context: context)
                guard let embryo = flushed.popFirst()?.id else { continue }
                let transfer = try await stores.transfers.create(
                    .init(
                        recipientId: animal, embryoIds: [embryo], transferredOn: day, technician: staff.displayName,
                        clSide: side, clQuality: "score \(score)"), witness: staff, context: context)
                transfers += 1
                guard let checkedOn = Day.adding(30, to: day), checkedOn <= today else { continue }
                _ = try await stores.transfers.diagnose(
                    transfer: transfer.id ?? 0,
                    .init(checkedOn: checkedOn, method: "ultrasound", result: score < 3 ? "pregnant" : "open"),
                    context: context)
            }
        }
        // Today: two checked already (one skipped for a cyst), three waiting at the chute.
        let first = try await enrol(oestrus: Day.adding(-7, to: today) ?? today, protocol: Recipient.protocols[1])
        _ = try await stores.recipients.check(
            recipient: first, .init(checkedOn: today, clPresent: true, clSide: "right", clScore: 1), context: context)
        let cystic = try await enrol(oestrus: Day.adding(-7, to: today) ?? today, protocol: Recipient.protocols[2])
        _ = try await stores.recipients.check(
            recipient: cystic,
            .init(
                checkedOn: today, clPresent: true, clSide: "left", clScore: 2, suitable: false,
                skipReason: "cystic_ovary"), context: context)
        skipped += 1
        for offset in [-7, -6, -8] {
            _ = try await enrol(oestrus: Day.adding(offset, to: today) ?? today, protocol: "natural heat")
        }
        return "15 recipients, \(transfers) transfers on 3 transfer days, \(skipped) skipped"
    }
}
