import LabBoxServer

// The JSON API documentation of the routes of Genomics: each operation is named where its route is declared.

extension APIOperation {
    package static let genotypeCSVTemplate = APIOperation(
        "Genotype CSV template",
        responses: [
            200: .file("text/csv", "The template.")
        ]
    )

    package static let animalGenotypes = APIOperation(
        "An animal's genotypes",
        "One per panel, with call rates; never the calls themselves.",
        parameters: [
            .id
        ],
        responses: [
            200: .json(
                .object(
                    [
                        "items": .array(.genotypeSummary)
                    ], required: ["items"]
                ), "The list.")
        ]
    )

    package static let importGenotype = APIOperation(
        "Import a genotype",
        "The body is CSV (marker_id, allele_1, allele_2; A/B, nucleotides or I/D; 0 or - for no call). Replacing the animal's genotype on the same panel needs a reason.",
        parameters: [
            .id,
            .query("panel", "The panel's name.", .string(minLength: 1, maxLength: 100), required: true),
            .query("source", "Lab, chip or file the calls came from."),
            .query("reason", "Why an existing genotype is replaced."),
        ],
        body: .csv(),
        responses: [
            201: .json(.genotypeSummary, "Imported."),
            404: "No such record.",
            415: "Not text/csv.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let parentageCheckByExclusion = APIOperation(
        "Parentage check by exclusion",
        "A marker conflicts when parent and offspring share no allele; with both parents the offspring must carry one allele from each. Verdict by genomics.max_conflict_percent and genomics.min_call_rate_percent.",
        parameters: [
            .query("offspring", "The offspring's animal id.", .recordID, required: true),
            .query("sire", "Putative sire's animal id.", .recordID),
            .query("dam", "Putative dam's animal id.", .recordID),
            .query("panel", "The panel (default: the largest all of them are typed on)."),
        ],
        responses: [
            200: .json(.parentageReport, "The report."),
            400: "A bad parameter or body (field names it).",
            404: "No such record.",
            422: "A rule failed (field names it).",
        ]
    )
}

extension APISchema {
    package static let genotypeSummary: APISchema = .object(
        [
            "id": .integer,
            "animal_id": .integer,
            "animal_name": .string,
            "panel": .string,
            "panel_markers": .integer,
            "markers_typed": .integer,
            "markers_called": .integer,
            "source": .string,
            "imported_at": .dateTime,
        ]
    ).named("GenotypeSummary")

    package static let parentageReport: APISchema = .object(
        [
            "panel": .string,
            "panel_markers": .integer,
            "offspring": .object(
                [
                    "animal_id": .integer,
                    "name": .string,
                    "call_rate_percent": .number,
                ]
            ),
            "sire": .oneOf([
                .object(
                    [
                        "animal_id": .integer,
                        "name": .string,
                        "call_rate_percent": .number,
                    ]
                ), .null,
            ]),
            "dam": .oneOf([
                .object(
                    [
                        "animal_id": .integer,
                        "name": .string,
                        "call_rate_percent": .number,
                    ]
                ), .null,
            ]),
            "sire_check": .oneOf([
                .object(
                    [
                        "compared": .integer,
                        "conflicts": .array(
                            .object(
                                [
                                    "marker": .string,
                                    "offspring": .string,
                                    "sire": .string.nullable,
                                    "dam": .string.nullable,
                                ]
                            )),
                        "conflict_percent": .number,
                        "verdict": .enumeration(["qualifies", "excluded", "undetermined"]),
                    ]
                ), .null,
            ]),
            "dam_check": .oneOf([
                .object(
                    [
                        "compared": .integer,
                        "conflicts": .array(
                            .object(
                                [
                                    "marker": .string,
                                    "offspring": .string,
                                    "sire": .string.nullable,
                                    "dam": .string.nullable,
                                ]
                            )),
                        "conflict_percent": .number,
                        "verdict": .enumeration(["qualifies", "excluded", "undetermined"]),
                    ]
                ), .null,
            ]),
            "trio_check": .oneOf([
                .object(
                    [
                        "compared": .integer,
                        "conflicts": .array(
                            .object(
                                [
                                    "marker": .string,
                                    "offspring": .string,
                                    "sire": .string.nullable,
                                    "dam": .string.nullable,
                                ]
                            )),
                        "conflict_percent": .number,
                        "verdict": .enumeration(["qualifies", "excluded", "undetermined"]),
                    ]
                ), .null,
            ]),
            "verdict": .enumeration(["qualifies", "excluded", "undetermined"]),
            "thresholds": .object(
                [
                    "max_conflict_percent": .integer,
                    "min_call_rate_percent": .integer,
                ]
            ),
        ]
    ).named("ParentageReport")
}
