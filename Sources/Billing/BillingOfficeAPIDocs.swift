import LabBoxPlatform
import LabBoxServer

// The JSON API documentation of the billing office's routes: bank statements, refunds, reminders,
// customer statements and invoice email. Amounts are decimal text in the lab's currency.

extension APIOperation {
    static let statementColumns =
        "A header row, then one line per booking. Columns by name (case and spaces ignored; others are skipped): date (or booking_date, value_date) as YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY; amount (or value), money in positive, decimal comma or point, grouping by . , space or '; reference (or remittance, purpose, description, memo); counterparty (or name, payer); currency (optional, must be the lab's). Separated by comma, semicolon or tab."

    package static let listBankStatements = APIOperation(
        "List imported bank statements", "Newest first, up to 100, with how many lines still wait for review.",
        responses: [200: .json(.list(of: .bankStatement), "The statements.")])

    package static let importBankStatement = APIOperation(
        "Import a bank statement",
        "Stores the file's lines for review; a line imported before (same day, amount, reference, counterparty and place among identical lines) is skipped, so importing a statement again records nothing twice. Nothing is paid until the lines are confirmed.",
        parameters: [.query("filename", "The file's name, shown in the list.", .string(maxLength: 200))],
        body: .csv(statementColumns),
        responses: [
            201: .json(.bankStatement, "The statement with its new lines and their proposals."),
            409: "Every line was imported before.",
            413: "Too large.",
            415: "Not text/csv.",
            422: "Not readable: field names the column (file) or the line and column (lines.<line>.amount).",
        ])

    package static let oneBankStatement = APIOperation(
        "One bank statement for review",
        "Each line with its state and, while pending, the proposed match: invoice numbers in the reference (rule reference), else the one open invoice owing exactly the amount (amount), else the customer the counterparty names, for credit (counterparty).",
        parameters: [.id],
        responses: [200: .json(.bankStatement, "The statement and its lines."), 404: "No such statement."])

    package static let confirmBankStatement = APIOperation(
        "Confirm reviewed lines",
        "Each decision records its line as a payment (of customer_id, or of the invoices' customer) allocated to invoice_ids in order, up to what each owes, the rest credit; or ignores it. All decisions in one transaction, or none.",
        parameters: [.id], body: .json(.object(["lines": .array(.statementDecision)], required: ["lines"])),
        responses: [
            200: .json(.bankStatement, "The statement after the decisions."),
            404: "No such statement.",
            409: "A line decided before, or an invoice that cannot be paid.",
            422: "A rule failed (field names the decision).",
        ])

    package static let refundPayment = APIOperation(
        "Refund a payment's credit",
        "Pays back part of what the payment has neither allocated nor refunded yet, with a reason (audited).",
        parameters: [.id], body: .json(.refundInput),
        responses: [
            201: .json(.refund, "The refund."), 404: "No such payment.",
            422: "A rule failed (field names it): beyond the credit left, no reason.",
        ])

    package static let listReminders = APIOperation(
        "List payment reminders", "Newest first, a page at a time.",
        parameters: [
            .query("invoice_id", "One invoice's.", .recordID), .query("customer_id", "One customer's.", .recordID),
            .limit, .cursor,
        ],
        responses: [200: .json(.page(of: .reminder), "A page of reminders."), 400: "A bad parameter."])

    package static let runReminders = APIOperation(
        "Send the reminders due today",
        "What the billing_dunning schedule does: each overdue invoice reaches the next level of billing.dunning_days once it is that many days past due and, after an earlier reminder, the days between the levels have passed; each level once per invoice, emailed to the customer's billing address.",
        responses: [
            200: .json(.object(["created": .integer, "items": .array(.reminder)]), "The reminders made now.")
        ])

    package static let oneReminder = APIOperation(
        "One payment reminder", parameters: [.id],
        responses: [200: .json(.reminder, "The reminder."), 404: "No such reminder."])

    package static let customerStatement = APIOperation(
        "A customer's statement of account",
        "The balance brought forward to from, each invoice, credit note, payment and refund of the period with the running balance (what the customer owes; negative is credit), and the closing balance.",
        parameters: [
            .path("id", "The customer's id."), .query("from", "YYYY-MM-DD; 1 January of this year when absent.", .date),
            .query("to", "YYYY-MM-DD; today when absent.", .date),
        ],
        responses: [
            200: .json(.accountStatement, "The statement."), 400: "A bad date.", 404: "No such customer.",
            422: "The period ends before it starts.",
        ])

    package static let emailStatement = APIOperation(
        "Email a customer's statement",
        "To the customer's billing address (else their email), through the outbox.",
        parameters: [.path("id", "The customer's id.")],
        body: .json(.object(["from": .date, "to": .date]).described("The period; {} for this year to today.")),
        responses: [
            202: .json(.object(["to": .string]), "Queued."), 400: "A bad date.", 404: "No such customer.",
            409: "The customer has no email address.", 422: "The period ends before it starts.",
        ])

    package static let emailInvoice = APIOperation(
        "Email an issued invoice or credit note",
        "To the billing address frozen at issue (else the customer's): an HTML and plain-text message with the document as a self-contained HTML file and its EN 16931 XML attached.",
        parameters: [.id],
        responses: [
            202: .json(.object(["to": .string, "attachments": .array(.string)]), "Queued."),
            404: "No such invoice.",
            409: "Not issued, no email address, or no country for the e-invoice.",
        ])
}

extension APISchema {
    static let statementProposal: APISchema = .object([
        "rule": .enumeration(["reference", "amount", "counterparty", "outgoing", "none"]),
        "customer_id": .integer, "customer_name": .string,
        "invoices": .array(.object(["id": .integer, "number": .string, "open": .money])),
    ])

    static let bankStatement: APISchema = .object([
        "id": .integer, "filename": .string, "created_at": .dateTime, "lines": .integer,
        "skipped": .integer.described("Lines of the file imported before."), "pending": .integer,
        "items": .array(
            .object([
                "id": .integer, "line_number": .integer, "booked_on": .date, "amount": .money, "reference": .string,
                "counterparty": .string, "state": .enumeration(["pending", "recorded", "ignored"]),
                "payment_id": .integer, "proposal": .statementProposal,
            ])),
    ]).named("BankStatement")

    static let statementDecision: APISchema = .object(
        [
            "line_id": .recordID, "action": .enumeration(["record", "ignore"]), "customer_id": .recordID,
            "invoice_ids": .array(.recordID),
        ], required: ["line_id", "action"]
    ).named("StatementDecision")

    static let refundInput: APISchema = .object(
        [
            "amount": .string(maxLength: 20), "refunded_on": .string(maxLength: 10),
            "method": .string(maxLength: 20), "reference": .string(maxLength: 200),
            "reason": .string(maxLength: AuditTrail.maxReason),
        ], required: ["amount", "reason"]
    ).named("RefundInput")

    static let refund: APISchema = .object([
        "id": .integer, "payment_id": .integer, "refunded_on": .date, "amount": .money, "method": .string,
        "reference": .string, "reason": .string, "created_at": .dateTime,
    ]).named("Refund")

    static let reminder: APISchema = .object([
        "id": .integer, "invoice_id": .integer, "invoice_number": .string, "customer_id": .integer,
        "customer_name": .string, "level": .integer, "title": .string, "sent_on": .date, "days_past_due": .integer,
        "open": .money, "email": .string.described("Where it was emailed; empty: print the letter."),
    ]).named("Reminder")

    static let accountStatement: APISchema = .object([
        "customer_id": .integer, "customer_name": .string, "from": .date, "to": .date, "currency": .string,
        "opening": .money, "closing": .money,
        "entries": .array(
            .object([
                "day": .date, "kind": .enumeration(["invoice", "credit_note", "payment", "refund"]),
                "id": .integer.described("The invoice's or the payment's id."), "text": .string, "amount": .money,
                "balance": .money,
            ])),
    ]).named("AccountStatement")
}
