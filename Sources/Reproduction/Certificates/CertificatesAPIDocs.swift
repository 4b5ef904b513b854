import LabBoxServer

// The JSON API documentation of the routes of CertificatesAPIController: each operation is named where its route is declared.

extension APIOperation {
    private static let certificateFilters: [APIParameter] = [
        .query("from", "Issued on or after this day.", .date),
        .query("to", "Issued on or before this day.", .date),
        .query("customer_id", "The customer (the animal's owner when it was issued).", .recordID),
        .query("animal_id", "The animal: an embryo's donor or sire, a health certificate's animal.", .recordID),
        .query("status", "In force or revoked.", .enumeration(["in_force", "revoked"])),
    ]

    package static let listEmbryoCertificates = APIOperation(
        "List embryo certificates",
        "Newest first: the registries' JSON export, one or many (filter by the day issued, customer, animal or straw). CSV: GET /api/v1/embryo-certificates/export.",
        parameters: certificateFilters + [
            .query("sample_id", "The straw.", .recordID), .limit, .cursor,
        ],
        responses: [
            200: .json(.page(of: .embryoCertificate), "One page."),
            400: "A bad parameter (field names it).",
        ]
    )

    package static let issueEmbryoCertificate = APIOperation(
        "Issue an embryo certificate",
        "The embryo certificate / transfer record of a frozen embryo straw, as the IETS form and breed registries need it: donor and sire with their registration numbers, the collection (in vivo) or fertilisation (IVP) date, IETS stage and quality, embryos per straw, freezing method and cryoprotectant, the freezing centre (lab.name) and its approval number (lab.approval_number), the straw's code. Stored as issued. Refused, with nothing written, when the straw holds no frozen embryo, the donor or sire has no registration number, or the approval number is not set.",
        body: .json(.embryoCertificateInput),
        responses: [
            201: .json(.embryoCertificate, "Issued."),
            400: "A bad body (field names it).",
            409: "A certificate of the straw is in force; revoke it first.",
            422: "A rule failed: the field names it (sample_id, donor_id, sire_id, cryoprotectant, approval_number…).",
        ]
    )

    package static let oneEmbryoCertificate = APIOperation(
        "One embryo certificate",
        "As it was issued, and whether it is still in force.",
        parameters: [.id],
        responses: [
            200: .json(.embryoCertificate, "The certificate."),
            404: "No such record.",
        ]
    )

    package static let revokeEmbryoCertificate = revocation("Revoke an embryo certificate", .embryoCertificate)

    package static let listHealthCertificates = APIOperation(
        "List export health certificates",
        "Newest first; filter by the day issued, customer or animal.",
        parameters: certificateFilters + [.limit, .cursor],
        responses: [
            200: .json(.page(of: .healthCertificate), "One page."),
            400: "A bad parameter (field names it).",
        ]
    )

    package static let issueHealthCertificate = APIOperation(
        "Issue an export health certificate",
        "For a donor or sire and a destination: for each test the destination requires, the newest verified result of the animal whose sample was taken within the destination's validity window, inside its reference range. Refused (field tests), with nothing written, naming each test that has no result, is not verified, is outside its range or was sampled too long ago.",
        body: .json(.healthCertificateInput),
        responses: [
            201: .json(.healthCertificate, "Issued."),
            400: "A bad body (field names it).",
            422: "A rule failed (field names it; tests lists what is missing or expired).",
        ]
    )

    package static let oneHealthCertificate = APIOperation(
        "One export health certificate",
        "As it was issued, with the results it rests on.",
        parameters: [.id],
        responses: [
            200: .json(.healthCertificate, "The certificate."),
            404: "No such record.",
        ]
    )

    package static let revokeHealthCertificate = revocation(
        "Revoke an export health certificate", .healthCertificate)

    package static let listCertificateDestinations = APIOperation(
        "List health certificate destinations",
        "Each with the tests it requires and how many days old their samples may be, by name.",
        responses: [200: .json(.object(["items": .array(.certificateDestination)], required: ["items"]), "Every one.")]
    )

    package static let recordCertificateDestination = APIOperation(
        "Add a destination",
        "Admins and directors (certificates:rules): its name, the catalog's test codes it requires and their validity in days.",
        body: .json(.certificateDestinationInput),
        responses: [
            201: .json(.certificateDestination, "Created."),
            400: "A bad body (field names it).",
            409: "A destination has the name already.",
            422: "A rule failed, e.g. a test not in the catalog (field names it).",
        ]
    )

    package static let changeCertificateDestination = APIOperation(
        "Change a destination",
        "The fields given. Certificates issued already keep what they stated.",
        parameters: [.id],
        body: .json(.certificateDestinationInput),
        responses: [
            200: .json(.certificateDestination, "The destination."),
            400: "A bad body (field names it).",
            404: "No such record.",
            409: "A destination has the name already.",
            422: "A rule failed, e.g. a test not in the catalog (field names it).",
        ]
    )

    private static func revocation(_ title: String, _ answer: APISchema) -> APIOperation {
        APIOperation(
            title, "The reason is required and stays on the certificate, which remains readable as issued.",
            parameters: [.id],
            body: .json(.object(["reason": .string(minLength: 1, maxLength: 2000)], required: ["reason"])),
            responses: [
                200: .json(answer, "The revoked certificate."),
                400: "A bad body (field names it).",
                404: "No such record.",
                409: "It is revoked already.",
                422: "No reason given.",
            ])
    }
}

extension APISchema {
    package static let embryoCertificate: APISchema = .object(
        [
            "id": .integer,
            "number": .string,
            "sample_id": .integer,
            "embryo_id": .integer,
            "customer_id": .integer.nullable,
            "customer": .string.nullable,
            "straw_code": .string,
            "species": .string,
            "donor_id": .integer,
            "donor_name": .string,
            "donor_breed": .string,
            "donor_registration": .string,
            "sire_id": .integer,
            "sire_name": .string,
            "sire_breed": .string,
            "sire_registration": .string,
            "origin": .enumeration(["ivp", "in_vivo"]),
            "produced_on": .date,
            "stage": .integer(minimum: 1, maximum: 9),
            "grade": .integer(minimum: 1, maximum: 4),
            "iets": .string,
            "embryos_per_straw": .integer,
            "freezing_method": .enumeration(["slow_freeze", "direct_transfer", "vitrification"]),
            "cryoprotectant": .string,
            "frozen_on": .date,
            "freezing_centre": .string,
            "approval_number": .string,
            "notes": .string,
            "issued_at": .dateTime,
            "issued_on": .date,
            "issued_by": .string,
            "revoked_at": .dateTime.nullable,
            "revoked_by": .string,
            "revoke_reason": .string,
            "in_force": .boolean,
        ],
        required: [
            "id", "number", "sample_id", "straw_code", "donor_registration", "sire_registration", "produced_on",
            "stage", "grade", "freezing_method", "cryoprotectant", "approval_number", "issued_at", "in_force",
        ]
    ).named("EmbryoCertificate")

    package static let embryoCertificateInput: APISchema = .object(
        [
            "sample_id": .recordID,
            "freezing_method": .enumeration(["slow_freeze", "direct_transfer", "vitrification"]),
            "cryoprotectant": .string(minLength: 1, maxLength: 100),
            "notes": .string(maxLength: 2000),
        ], required: ["sample_id", "cryoprotectant"]
    ).named("EmbryoCertificateInput")

    package static let healthCertificate: APISchema = .object(
        [
            "id": .integer,
            "number": .string,
            "animal_id": .integer,
            "destination_id": .integer,
            "customer_id": .integer.nullable,
            "customer": .string.nullable,
            "destination": .string,
            "validity_days": .integer,
            "animal_name": .string,
            "species": .string,
            "breed": .string,
            "sex": .string,
            "registration": .string,
            "results": .array(
                .object(
                    [
                        "code": .string, "test": .string, "value": .number.nullable, "unit": .string,
                        "low": .number.nullable, "high": .number.nullable, "sample_code": .string,
                        "sampled_on": .date, "analysis_id": .integer, "verified_by": .array(.string),
                    ], required: ["code", "test", "sample_code", "sampled_on", "analysis_id"])),
            "valid_until": .date,
            "notes": .string,
            "issued_at": .dateTime,
            "issued_on": .date,
            "issued_by": .string,
            "revoked_at": .dateTime.nullable,
            "revoked_by": .string,
            "revoke_reason": .string,
            "in_force": .boolean,
        ],
        required: [
            "id", "number", "animal_id", "destination", "results", "valid_until", "issued_at", "in_force",
        ]
    ).named("HealthCertificate")

    package static let healthCertificateInput: APISchema = .object(
        [
            "animal_id": .recordID,
            "destination_id": .recordID,
            "notes": .string(maxLength: 2000),
        ], required: ["animal_id", "destination_id"]
    ).named("HealthCertificateInput")

    package static let certificateDestination: APISchema = .object(
        [
            "id": .integer,
            "name": .string,
            "tests": .string,
            "validity_days": .integer,
            "notes": .string,
            "created_at": .dateTime,
            "updated_at": .dateTime,
        ], required: ["id", "name", "tests", "validity_days"]
    ).named("CertificateDestination")

    package static let certificateDestinationInput: APISchema = .object(
        [
            "name": .string(minLength: 1, maxLength: 100),
            "tests": .array(.string(minLength: 1, maxLength: 30), minItems: 1, maxItems: 30),
            "validity_days": .integer(minimum: 1, maximum: 730),
            "notes": .string(maxLength: 2000),
            "reason": .string(maxLength: 2000),
        ]
    ).named("CertificateDestinationInput")
}
