import GRDB
import LabBoxServer

extension RecordLinks {
    /// The embryos an animal is the donor or the sire of, newest first; all of them on the
    /// animal's reproduction page.
    package static let animalEmbryos = RecordLinks(
        key: "embryos", title: "Embryos", permission: .reproductionRead, seeAll: { "/reproduction/animals/\($0)" },
        select: "id, code, batch_id, transfer_id, donor_id, day, stage, grade, fate",
        from: "FROM embryos WHERE donor_id = ?1 OR sire_id = ?1", order: "id DESC",
        item: { row, id in
            let batch: Int64? = row["batch_id"]
            let transfer: Int64? = row["transfer_id"]
            let donor: Int64 = row["donor_id"]
            let day: Int = row["day"]
            let stage: Int = row["stage"]
            let grade: Int = row["grade"]
            let fate: String = row["fate"]
            let code: String = row["code"]
            // An embryo has no page of its own: its IVF batch shows it, else its transfer.
            let href =
                batch.map { "/reproduction/batches/\($0)" } ?? transfer.map { "/reproduction/transfers/\($0)" }
                ?? "/reproduction/animals/\(id)"
            return Item(
                href: href, label: code,
                detail: [
                    donor == id ? "as donor" : "as sire", "day \(day), stage \(stage), grade \(grade)",
                    fate.replacingOccurrences(of: "_", with: " "),
                ].joined(separator: " · "))
        })

    /// An animal's enrolments as an embryo recipient, newest first; all of them on the recipients
    /// list filtered to her.
    package static let animalRecipients = RecordLinks(
        key: "recipients", title: "As a recipient", permission: .reproductionRead,
        seeAll: { "/reproduction/recipients?animal_id=\($0)" }, select: "id, protocol, oestrus_on, status, transfer_id",
        from: "FROM recipients WHERE animal_id = ?", order: "id DESC",
        item: { row, _ in
            let enrolment: Int64 = row["id"]
            let named: String = row["protocol"]
            let oestrus: String? = row["oestrus_on"]
            let status: String = row["status"]
            let transfer: Int64? = row["transfer_id"]
            return Item(
                href: "/reproduction/recipients/\(enrolment)", label: named.isEmpty ? "Enrolment #\(enrolment)" : named,
                detail: [
                    oestrus.map { "heat \($0)" } ?? "heat not recorded", status,
                    transfer.map { "transfer #\($0)" } ?? "",
                ].filter { !$0.isEmpty }.joined(separator: " · "))
        })

    /// The transfers an animal received, newest first.
    package static let animalTransfers = transfers(
        key: "transfers", condition: "t.recipient_id = ?", seeAll: { "/reproduction/animals/\($0)" })

    /// The transfers into a customer's animals, newest first.
    package static let customerTransfers = transfers(
        key: "transfers", condition: "a.owner_id = ?", seeAll: nil)

    private static func transfers(key: String, condition: String, seeAll: (@Sendable (Int64) -> String)?)
        -> RecordLinks
    {
        RecordLinks(
            key: key, title: "Transfers", permission: .reproductionRead, seeAll: seeAll,
            select: "t.id, t.transferred_on, t.outcome, a.id AS recipient, a.name",
            from: "FROM transfers t JOIN animals a ON a.id = t.recipient_id WHERE \(condition)",
            order: "t.transferred_on DESC, t.id DESC",
            item: { row, _ in
                let transfer: Int64 = row["id"]
                let recipient: Int64 = row["recipient"]
                let name: String = row["name"]
                let outcome: String = row["outcome"]
                let day: String = row["transferred_on"]
                return Item(
                    href: "/reproduction/transfers/\(transfer)", label: "Transfer #\(transfer)",
                    detail: [
                        day, "into " + (name.isEmpty ? "animal #\(recipient)" : name),
                        outcome.replacingOccurrences(of: "_", with: " "),
                    ].filter { !$0.isEmpty }.joined(separator: " · "))
            })
    }
}
