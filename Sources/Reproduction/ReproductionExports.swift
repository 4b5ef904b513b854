import LabBoxServer

// The reproduction records as CSV (``SQLExport``): every column of each record, the animals by id
// and name, so a spreadsheet can be read without LabBox.

extension SQLExport {
    package static let opuSessions = SQLExport(
        name: "opu-sessions", title: "OPU session export", noun: "OPU sessions", permission: .reproductionRead,
        from: "opu_sessions o JOIN animals a ON a.id = o.donor_id", key: "o.id",
        columns: [
            ("id", "o.id"), ("performed_on", "o.performed_on"), ("donor_id", "o.donor_id"), ("donor", "a.name"),
            ("operator", "o.operator"), ("follicles", "o.follicles"), ("oocytes", "o.oocytes"),
            ("grade_1", "o.grade_1"), ("grade_2", "o.grade_2"), ("grade_3", "o.grade_3"), ("grade_4", "o.grade_4"),
            ("degenerate", "o.degenerate"), ("notes", "o.notes"),
        ],
        filters: [.init("donor", "The donor's animal id.", .id(table: "animals"), condition: "o.donor_id = ?")])

    package static let ivfBatches = SQLExport(
        name: "ivf-batches", title: "IVF batch export", noun: "IVF batches", permission: .reproductionRead,
        from: "ivf_batches b", key: "b.id",
        columns: [
            ("id", "b.id"), ("code", "b.code"), ("fertilised_on", "b.fertilised_on"), ("donor_id", "b.donor_id"),
            ("sire_id", "b.sire_id"), ("semen_sample_id", "b.semen_sample_id"), ("medium", "b.medium"),
            ("protocol", "b.protocol"), ("technician", "b.technician"),
            ("embryos", "(SELECT count(*) FROM embryos e WHERE e.batch_id = b.id)"), ("notes", "b.notes"),
        ],
        filters: [
            .init("donor_id", "The donor's animal id.", .id(table: "animals"), condition: "b.donor_id = ?"),
            .init("sire_id", "The sire's animal id.", .id(table: "animals"), condition: "b.sire_id = ?"),
        ])

    package static let embryos = SQLExport(
        name: "embryos", title: "Embryo export", noun: "embryos", permission: .reproductionRead,
        from: "embryos e", key: "e.id",
        columns: [
            ("id", "e.id"), ("code", "e.code"), ("origin", "e.origin"), ("batch_id", "e.batch_id"),
            ("donor_id", "e.donor_id"), ("sire_id", "e.sire_id"), ("species", "e.species"), ("day", "e.day"),
            ("stage", "e.stage"), ("grade", "e.grade"), ("fate", "e.fate"), ("sample_id", "e.sample_id"),
            ("transfer_id", "e.transfer_id"), ("graded_by", "e.graded_by"),
        ],
        filters: [
            .init("donor_id", "The donor's animal id.", .id(table: "animals"), condition: "e.donor_id = ?"),
            .init("sire_id", "The sire's animal id.", .id(table: "animals"), condition: "e.sire_id = ?"),
            .init(
                "fate", "What became of the embryo.", .choice(["in_culture", "frozen", "transferred", "discarded"]),
                condition: "e.fate = ?"),
        ])

    package static let transfers = SQLExport(
        name: "transfers", title: "Transfer export", noun: "embryo transfers", permission: .reproductionRead,
        from: "transfers t JOIN animals a ON a.id = t.recipient_id", key: "t.id",
        columns: [
            ("id", "t.id"), ("transferred_on", "t.transferred_on"), ("recipient_id", "t.recipient_id"),
            ("recipient", "a.name"),
            ("embryos", "(SELECT group_concat(code, '; ') FROM embryos WHERE transfer_id = t.id)"),
            ("technician", "t.technician"), ("cl_side", "t.cl_side"), ("cl_quality", "t.cl_quality"),
            ("outcome", "t.outcome"), ("outcome_on", "t.outcome_on"), ("offspring_sex", "t.offspring_sex"),
            ("notes", "t.notes"),
        ],
        filters: [
            .init(
                "recipient_id", "The recipient's animal id.", .id(table: "animals"), condition: "t.recipient_id = ?"),
            .init(
                "owner_id", "The customer owning the recipient.", .id(table: "customers"), condition: "a.owner_id = ?"),
        ])

    package static let pregnancyChecks = SQLExport(
        name: "pregnancy-checks", title: "Pregnancy check export", noun: "pregnancy checks",
        permission: .reproductionRead, from: "pregnancy_checks p JOIN transfers t ON t.id = p.transfer_id", key: "p.id",
        columns: [
            ("id", "p.id"), ("checked_on", "p.checked_on"), ("transfer_id", "p.transfer_id"),
            ("recipient_id", "t.recipient_id"), ("method", "p.method"), ("result", "p.result"),
            ("fetal_sex", "p.fetal_sex"), ("checked_by", "p.checked_by"), ("notes", "p.notes"),
        ],
        filters: [
            .init("transfer_id", "The transfer's id.", .id(table: "transfers"), condition: "p.transfer_id = ?"),
            .init("result", "The finding.", .choice(["pregnant", "open", "lost"]), condition: "p.result = ?"),
        ])
}
