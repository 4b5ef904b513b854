import Attachments
import Customers
import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// A customer's Privacy tab (consents, export, erasure, who looked) and `/admin/privacy`, where a
/// data-protection officer reviews accesses, erasures and the retention rule's flags.
package struct PrivacyWebController {
    package let api: PrivacyAPIController
    package let settings: PrivacySettings
    package let pages: PageRenderer

    package func addRoutes(to routes: RouteTable) {
        routes.get("/customers/{id}/privacy", .customersRead) { request, context in
            try await customerPage(request, context)
        }
        routes.post("/customers/{id}/consents", .customersWrite) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: ConsentForm.self, context: context)
            return try await Flash.after(redirectTo: "/customers/\(id)/privacy") {
                let consent = try await api.consents.record(
                    customer: id,
                    .init(
                        purpose: form.purpose, status: form.status, effectiveOn: form.effectiveOn,
                        method: form.method, attachmentId: form.attachmentId.flatMap { Int64($0) }),
                    context: context.eventContext)
                return "Recorded: \(consent.purpose) \(consent.status.rawValue)."
            }
        }
        routes.get("/customers/{id}/privacy/export", .privacyWrite) { _, context in
            PrivacyAPIController.zip(
                try await api.export.export(customer: try context.id(), context: context.eventContext, channel: .page))
        }
        routes.post("/customers/{id}/erase", .privacyWrite) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: PrivacyAPIController.ReasonInput.self, context: context)
            return try await Flash.after(redirectTo: "/customers/\(id)/privacy") {
                let outcome = try await api.erasure.erase(
                    customer: id, reason: form.reason, context: context.eventContext)
                return "Customer \(id) was erased: \(outcome.texts) texts, \(outcome.attachments) files, "
                    + "\(outcome.notes) comments and notes, \(outcome.emails) emails."
            }
        }
        routes.get("/admin/privacy", .privacyRead) { request, context in try await reviewPage(request, context) }
    }

    private func customerPage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id = try context.id()
        guard let customer = try await CustomerStore(database: api.store.database).customer(id: id) else {
            throw APIError.notFound("No customer has id \(id).")
        }
        let principal = context.principal
        let history = try await api.consents.history(customer: id)
        let erasure = try await api.store.erasure(of: id)
        let canRecord = principal?.can(.customersWrite) == true && customer.deletedAt == nil
        let files =
            canRecord
            ? try await AttachmentStore.attachments(in: api.store.database, of: Customer.auditEntity, id: id) : []
        let accesses =
            principal?.can(.privacyRead) == true
            ? try await api.store.accesses(.init(customerID: id), before: nil, limit: 20).items : []
        let model = CustomerPrivacyPage(
            id: id, name: customer.name,
            erased: erasure.map {
                "Erased \(pages.time.text(Timestamp.parse($0.erasedAt), absent: $0.erasedAt)) by \($0.erasedBy): \($0.reason)"
            },
            flagged: customer.retentionFlaggedAt.map { pages.time.text($0, absent: "") },
            current: ConsentStore.current(history).map { ConsentRow($0, time: pages.time) },
            history: history.map { ConsentRow($0, time: pages.time) },
            canRecord: canRecord,
            purposes: Consent.commonPurposes, today: Day.today,
            files: files.map { Choice(value: String($0.id ?? 0), label: $0.fileName) },
            canExport: principal?.can(.privacyWrite) == true,
            canErase: principal?.can(.privacyWrite) == true && erasure == nil,
            showAccesses: principal?.can(.privacyRead) == true,
            accesses: accesses.map { AccessRow($0, time: pages.time) }, hasCurrent: !history.isEmpty,
            hasHistory: !history.isEmpty, hasAccesses: !accesses.isEmpty)
        return pages.page(
            "privacy/customer-privacy", title: "Privacy: \(customer.name)", section: "customers", request: request,
            context: context, model: model,
            trail: [.init(label: customer.name, href: "/customers/\(id)")])
    }

    private func reviewPage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let filter = try PrivacyStore.AccessFilter(query)
        let page = try await api.store.accesses(filter, before: try query.cursor(), limit: 50)
        let flagged = try await api.store.flagged()
        let erasures = try await api.store.erasures()
        let model = PrivacyReviewPage(
            accesses: page.items.map { AccessRow($0, time: pages.time) },
            customerId: filter.customerID.map(String.init) ?? "", actor: filter.actor ?? "",
            actions: PersonalDataAccess.Action.allCases.map {
                Choice(value: $0.rawValue, selected: $0 == filter.action)
            },
            next: query.nextPage(keeping: ["customer_id", "actor", "action"], after: page.next),
            erasures: erasures.map { record in
                ErasureRow(
                    customer: record.subjectId,
                    at: pages.time.text(Timestamp.parse(record.erasedAt), absent: record.erasedAt),
                    by: record.erasedBy, reason: record.reason)
            },
            flagged: flagged.map { customer in
                FlaggedRow(
                    id: customer.id ?? 0, name: customer.name,
                    lastChanged: pages.time.text(customer.updatedAt),
                    flaggedAt: pages.time.text(customer.retentionFlaggedAt, absent: ""))
            },
            retentionYears: settings.retentionYears, retentionAction: settings.retentionAction.rawValue,
            invoiceYears: settings.invoiceRetentionYears, hasAccesses: !page.items.isEmpty,
            hasErasures: !erasures.isEmpty, hasFlagged: !flagged.isEmpty)
        return pages.page(
            "privacy/privacy", title: "Privacy", section: "privacy", request: request, context: context, model: model)
    }

    private struct ConsentForm: Decodable {
        let purpose: String?
        let status: String?
        let effectiveOn: String?
        let method: String?
        let attachmentId: String?

        enum CodingKeys: String, CodingKey {
            case purpose, status, method
            case effectiveOn = "effective_on"
            case attachmentId = "attachment_id"
        }
    }

    package init(api: PrivacyAPIController, settings: PrivacySettings, pages: PageRenderer) {
        self.api = api
        self.settings = settings
        self.pages = pages
    }
}
