import CustomFields
import LabBoxPlatform
import LabBoxServer

// The JSON API documentation of the routes of Customers: each operation is named where its route is declared.

extension APIOperation {
    package static let findCustomers = lookup("customer", matchedBy: "email")

    package static let listCustomers = APIOperation(
        "List customers",
        "Deleted records are left out; admins may add include_deleted=true.",
        parameters: APIParameter.customerFilters + [
            .query(
                "sort",
                "Order: a column, with - for descending; by id (ascending) when absent. Cursors keep the order, with the id breaking ties.",
                .enumeration(["id", "-id", "name", "-name", "city", "-city"])),
            .limit,
            .cursor,
        ],
        responses: [
            200: .json(.customerPage, "One page."),
            400: "A bad parameter (field names it).",
        ]
    )

    package static let addCustomer = APIOperation(
        "Add a customer",
        "Audited.",
        body: .json(.customerInput),
        responses: [
            201: .json(.customer, "Created."),
            400: "Malformed.",
            409: "A unique value exists.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let oneCustomer = APIOperation(
        "One customer",
        "Deleted ones too, with deleted_at. Recorded as a view of the customer's personal data (GET /api/v1/privacy/accesses).",
        parameters: [
            .id
        ],
        responses: [
            200: .json(.customer, "The record."),
            404: "No such record.",
        ]
    )

    package static let changeCustomer = APIOperation(
        "Change a customer",
        "Only given fields change; audited with the reason.",
        parameters: [
            .id
        ],
        body: .json(.customerInput),
        responses: [
            200: .json(.customer, "Changed."),
            404: "No such live record.",
            409: "A unique value exists.",
            422: "A rule failed (field names it).",
        ]
    )

    package static let exportCustomersAsCSV = csvExport("customers", filters: APIParameter.customerFilters)
    package static let exportCustomersInBackground = csvExportJob("customers", filters: APIParameter.customerFilters)

    package static let csvImportTemplateForCustomers = APIOperation(
        "CSV import template for customers",
        responses: [
            200: .file("text/csv", "The header and an example row.")
        ]
    )

    package static let checkCSVImportOfCustomersDryRun = APIOperation(
        "Check a CSV import of customers (dry run)",
        "Validates every row; writes nothing.",
        body: .csv(
            "Columns: kind, name (required), contact_name, email, phone, address, postcode, city, country, vat_id, billing_email, notes. Comma, semicolon or tab; BOM allowed; quoted fields may hold line breaks."
        ),
        responses: [
            200: .json(.importReport, "The report."),
            413: "Too large.",
            415: "Not text/csv.",
            422: "Not CSV, or unknown/missing columns.",
        ]
    )

    package static let importCustomersFromCSV = APIOperation(
        "Import customers from CSV",
        "All rows in one transaction, each audited, or none.",
        body: .csv(
            "Columns: kind, name (required), contact_name, email, phone, address, postcode, city, country, vat_id, billing_email, notes. Comma, semicolon or tab; BOM allowed; quoted fields may hold line breaks."
        ),
        responses: [
            201: .json(.importReport, "The report."),
            413: "Too large.",
            415: "Not text/csv.",
            422: "Rows have problems; nothing was imported.",
        ]
    )

    package static let importCustomersFromCSVInBackground = APIOperation(
        "Import customers from CSV in the background",
        "The same all-or-nothing import as POST /api/v1/customers/import, run as a `customers.import` job with progress; follow it at /api/v1/jobs/{id}. A file with problems fails the job (its log lists them) and imports nothing.",
        body: .csv(),
        responses: [
            202: .json(.job, "The queued job."),
            403: "Not allowed.",
            415: "Not text/csv.",
            422: "Not readable as CSV or columns wrong.",
        ]
    )
}

extension APISchema {
    package static let customer: APISchema = .object(
        [
            "id": .integer,
            "kind": .enumeration(["organisation", "person"]),
            "name": .string,
            "contact_name": .string,
            "email": .string,
            "phone": .string,
            "address": .string,
            "postcode": .string,
            "city": .string,
            "country": .string,
            "vat_id": .string,
            "billing_email": .string,
            "notes": .string,
            "results_delivery": .enumeration(["", "attach", "link", "none"]).described(
                "How verified results are emailed to the customer; empty follows the setting results.delivery."),
            "created_at": .dateTime,
            "updated_at": .dateTime,
            "deleted_at": .dateTime.described("Present when deleted."),
            "retention_flagged_at": .dateTime.described(
                "Present when the retention job found the customer inactive for privacy.retention_years."),
            "custom_fields": .customFieldValues,
        ]
    ).named("Customer")

    package static let customerInput: APISchema = .object(
        [
            "kind": .string(maxLength: 64),
            "name": .string(maxLength: 200),
            "contact_name": .string(maxLength: 200),
            "email": .string(maxLength: 254),
            "phone": .string(maxLength: 50),
            "address": .string(maxLength: 500),
            "postcode": .string(maxLength: 20),
            "city": .string(maxLength: 100),
            "country": .string(maxLength: 100),
            "vat_id": .string(maxLength: 50),
            "billing_email": .string(maxLength: 254),
            "notes": .string(maxLength: 5000),
            "results_delivery": .enumeration(["", "attach", "link", "none"]),
            "custom_fields": .customFieldValuesInput,
            "reason": .string(maxLength: AuditTrail.maxReason),
        ]
    ).described("Writable fields; name is required on create. reason is recorded in the audit trail.").named(
        "CustomerInput")

    package static let customerPage: APISchema = .page(of: .customer).named("CustomerPage")
}

extension APIParameter {
    /// The filters of the customer list and its exports.
    package static let customerFilters: [APIParameter] = [
        .query("kind", "organisation or person.", .enumeration(["organisation", "person"])),
        .query("q", "Words of the name, contact, city, email or notes (full text, prefix match)."),
        .query("include_deleted", "Admins: true to list deleted records too."),
    ]
}
