import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The recipient pages: the list, enrolling one, one recipient with her checks, and the
/// transfer-day worklist for the chute (checks recorded on it, each pairing linked to the
/// witnessed transfer form, printable).
package struct RecipientsWebController {
    package let store: RecipientStore
    package let pages: PageRenderer
    package static let pageSize = 50

    package func addRoutes(to routes: RouteTable) {
        routes.get("/reproduction/recipients", .reproductionRead) { request, context in try await list(request, context)
        }
        routes.get("/reproduction/recipients/new", .reproductionWrite) { request, context in
            newPage(request, context, form: EnrolForm(animalId: ListQuery(request)["animal_id"]), error: nil)
        }
        routes.post("/reproduction/recipients", .reproductionWrite) { request, context in
            try await create(request, context)
        }
        routes.get("/reproduction/recipients/{id}", .reproductionRead) { request, context in
            try await detail(request, context)
        }
        routes.post("/reproduction/recipients/{id}", .reproductionWrite) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: EnrolForm.self, context: context)
            return try await Flash.after(redirectTo: "/reproduction/recipients/\(id)") {
                _ = try await store.update(id: id, form.input(), context: context.eventContext)
                return "Recipient saved."
            }
        }
        routes.post("/reproduction/recipients/{id}/checks", .reproductionWrite) { request, context in
            try await check(request, context)
        }
        routes.get("/reproduction/transfer-day", .reproductionRead) { request, context in
            try await transferDay(request, context)
        }
    }

    // MARK: Forms

    /// An enrolment, as posted from the new page and the edit form.
    struct EnrolForm: Codable {
        var animalId: String?
        var `protocol`: String?
        var oestrusOn: String?
        var status: String?
        var notes: String?
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case `protocol`, status, notes, reason
            case animalId = "animal_id"
            case oestrusOn = "oestrus_on"
        }

        init(animalId: String?) {
            self.animalId = animalId
            self.protocol = Recipient.protocols[1]
        }

        init(_ recipient: Recipient) {
            animalId = String(recipient.animalId)
            self.protocol = recipient.protocol
            oestrusOn = recipient.oestrusOn
            status = recipient.status.rawValue
            notes = recipient.notes
        }

        func input() throws -> RecipientStore.Input {
            .init(
                animalId: try FormText.id(animalId, field: "animal_id"), protocol: `protocol`,
                oestrusOn: FormText.text(oestrusOn), status: FormText.text(status), notes: notes,
                reason: FormText.text(reason))
        }
    }

    /// The check at the chute: `cl` is left, right or none (no corpus luteum).
    struct CheckForm: Decodable {
        var checkedOn: String?
        var cl: String?
        var clScore: String?
        var skipReason: String?
        var skipNote: String?
        /// Set when posted from the transfer-day worklist, to go back to it.
        var worklistDay: String?

        enum CodingKeys: String, CodingKey {
            case cl
            case checkedOn = "checked_on"
            case clScore = "cl_score"
            case skipReason = "skip_reason"
            case skipNote = "skip_note"
            case worklistDay = "worklist_day"
        }

        func input() throws -> RecipientStore.CheckInput {
            guard let cl = FormText.text(cl), ["left", "right", "none"].contains(cl) else {
                throw APIError.validationFailed(
                    "Say whether a corpus luteum is present and on which side.", field: "cl")
            }
            let reason = FormText.text(skipReason)
            return .init(
                checkedOn: FormText.text(checkedOn), clPresent: cl != "none", clSide: cl == "none" ? "" : cl,
                clScore: cl == "none" ? nil : try FormText.int(clScore, field: "cl_score"),
                suitable: cl != "none" && reason == nil, skipReason: reason, skipNote: skipNote)
        }
    }

    // MARK: Pages

    private func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let filter = try RecipientStore.Filter(query)
        let page = try await store.list(filter, after: try query.cursor(), limit: Self.pageSize)
        let (names, checks) = try await store.listed(page.items)
        let keep = ["status", "animal_id"]
        let today = pages.time.today
        return pages.page(
            "recipients/recipients", title: "Recipients", section: "reproduction", request: request, context: context,
            model: RecipientsPage(
                recipients: page.items.map {
                    RecipientsPage.Row(
                        $0, animal: names[$0.animalId] ?? "", lastCheck: checks[$0.id ?? 0], today: today)
                },
                empty: page.items.isEmpty, next: query.nextPage(keeping: keep, after: page.next),
                firstPage: query.firstPage("/reproduction/recipients", keeping: keep),
                statuses: Choice.list(Recipient.Status.allCases.map(\.rawValue), selected: query["status"]),
                today: today, canWrite: context.principal?.can(.reproductionWrite) == true))
    }

    private func newPage(_ request: Request, _ context: AppRequestContext, form: EnrolForm, error: APIError?)
        -> Response
    {
        pages.page(
            "recipients/recipient-new", title: "Enrol a recipient", section: "reproduction", request: request,
            context: context,
            model: RecipientFormPage(
                form: form, error: error?.message, protocols: Recipient.protocols.map { Choice(value: $0) }),
            status: error?.httpStatus ?? .ok)
    }

    private func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await request.decode(as: EnrolForm.self, context: context)
        do {
            let recipient = try await store.enrol(try form.input(), context: context.eventContext)
            return Flash(kind: .success, message: "Recipient #\(recipient.id ?? 0) enrolled.")
                .redirect(to: "/reproduction/recipients/\(recipient.id ?? 0)")
        } catch let error as APIError where error.status.code < 500 {
            return newPage(request, context, form: form, error: error)
        }
    }

    private func detail(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let today = pages.time.today
        let detail = try await store.detail(id: try context.id(), today: today)
        return pages.page(
            "recipients/recipient", title: "Recipient \(detail.animal)", section: "reproduction", request: request,
            context: context,
            model: RecipientPage(
                detail, canWrite: context.principal?.can(.reproductionWrite) == true, today: today,
                form: EnrolForm(detail.recipient), protocols: Recipient.protocols.map { Choice(value: $0) }),
            trail: [Navigation.Link(label: "Recipients", href: "/reproduction/recipients")])
    }

    private func check(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        let form = try await request.decode(as: CheckForm.self, context: context)
        // Back to the worklist it was posted from (a day, so never elsewhere), else her page.
        let back = FormText.text(form.worklistDay).flatMap(Day.date).map {
            "/reproduction/transfer-day?on=\(Day.text($0))"
        }
        return try await Flash.after(redirectTo: back ?? "/reproduction/recipients/\(id)") {
            let check = try await store.check(recipient: id, try form.input(), context: context.eventContext)
            return check.suitable ? "Checked: \(check.summary)." : "Skipped: \(check.summary)."
        }
    }

    private func transferDay(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let day = try RecipientsAPIController.day(query, today: pages.time.today)
        let filter = try RecipientStore.DayFilter(query)
        let worklist = try await store.worklist(on: day, filter)
        return pages.page(
            "recipients/transfer-day", title: "Transfer day \(day)", section: "reproduction", request: request,
            context: context,
            model: TransferDayPage(
                worklist, filter: filter, canWrite: context.principal?.can(.reproductionWrite) == true,
                today: pages.time.today, window: store.dueCycleDays))
    }

    package init(store: RecipientStore, pages: PageRenderer) {
        self.store = store
        self.pages = pages
    }
}
