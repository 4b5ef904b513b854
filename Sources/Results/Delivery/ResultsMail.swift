import Customers
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Emails an order's report to the customer when its last open result is decided: attached as a
/// self-contained HTML file, or as a link valid `linkDays` days that needs no LabBox account, as
/// the customer (else `results.delivery`) prefers. Queued in the transaction that verified the
/// result, with its audit event, so a verification and its delivery commit together.
package struct ResultsMail: Sendable {
    package let pages: PageRenderer
    package let labName: String
    package let labAddress: String
    /// The base of links (`AppConfig.linkBase`); without one, a customer who prefers a link gets
    /// the report attached, since a link built from a request's host could point anywhere.
    package let linkBase: String?
    package let fallback: ReportDelivery
    package let linkDays: Int

    /// Sends the report of order `id` when every analysis is verified or rejected and at least one
    /// is verified; the delivery, or nil when none was due or wanted.
    @discardableResult
    package func orderDecided(_ write: AuditedWrite, order id: Int64) throws -> ResultsDelivery? {
        let db = write.db
        let report = try ResultStore.report(db, id: id)
        guard report.complete, report.analyses.contains(where: { $0.state == .verified }),
            let customer = try Customer.fetchOne(db, key: report.order.customerId), !customer.email.isEmpty
        else { return nil }
        let preference = customer.delivery(fallback: fallback)
        guard preference != .none else { return nil }
        let now = Date()
        var delivery = ResultsDelivery(
            orderId: id, recipient: customer.email, method: preference == .link && linkBase != nil ? .link : .attach,
            createdAt: now)
        // Flagged results and the reference are named only when there are some, so the template's
        // sections show only then.
        let flagged = report.analyses.filter { $0.state == .verified && !$0.flag.isEmpty }.count
        var mail = ResultsReadyMail(
            name: customer.contactName.isEmpty ? customer.name : customer.contactName, customer: customer.name,
            lab: labName, order: id, orderedOn: report.order.orderedOn,
            results: report.analyses.filter { $0.state == .verified }.count, flagged: flagged > 0 ? flagged : nil,
            reference: report.order.reference.isEmpty ? nil : report.order.reference)
        var attachments: [EmailMessage.Attachment] = []
        if delivery.method == .link, let linkBase {
            let token = Secrets.token()
            delivery.tokenHash = Secrets.hash(token)
            let expires = now.addingTimeInterval(TimeInterval(linkDays) * 86400)
            delivery.expiresAt = expires
            mail.link = "\(linkBase)/shared/results/\(token)"
            mail.expires = pages.time.text(expires)
            mail.days = linkDays
        } else {
            attachments = [
                EmailMessage.Attachment(
                    filename: "results-order-\(id).html", contentType: "text/html; charset=utf-8",
                    content: Data(pages.document("results/report-document", model: reportPage(report)).utf8))
            ]
            mail.attachment = attachments[0].filename
        }
        try delivery.insert(db)
        try EmailMessage.queue(
            db, to: customer.email, mail: mail,
            subject:
                "Results of your order #\(id)\(report.order.reference.isEmpty ? "" : " (\(report.order.reference))") from \(labName)",
            attachments: attachments)
        try write.log(
            "results.deliver", entityType: LabOrder.auditEntity, entityID: String(id),
            after: AuditValue.encode([
                "delivery_id": .integer(delivery.id ?? 0),
                "to": .text(try PersonalData.token(db, .customer(report.order.customerId), customer.email)),
                "method": .text(delivery.method.rawValue),
                "expires_at": delivery.expiresAt.map { .text($0.formatted(.iso8601)) } ?? .null,
            ]))
        return delivery
    }

    /// The printed report of `report`, as the report page, the attachment and a link show it.
    func reportPage(_ report: ResultStore.OrderReport) -> ResultsWebController.ResultReportPage {
        let bySample = Dictionary(grouping: report.analyses, by: \.sample)
        typealias Page = ResultsWebController.ResultReportPage
        return Page(
            lab: Page.Lab(name: labName, address: labAddress.isEmpty ? nil : labAddress),
            order: Page.Order(
                id: report.order.id ?? 0, customer: report.customer, date: report.order.orderedOn,
                reference: report.order.reference.isEmpty ? nil : report.order.reference, printed: Day.today),
            complete: report.complete,
            samples: bySample.keys.sorted().map { sample in
                Page.Sample(
                    sample: sample, species: bySample[sample]?.first?.species ?? "",
                    lines: (bySample[sample] ?? []).map {
                        AnalysisLine.With(
                            line: AnalysisLine($0), extra: Page.Final(final: $0.state == .verified))
                    })
            })
    }

    package init(config: AppConfig, pages: PageRenderer) {
        self.pages = pages
        labName = config.labName
        labAddress = config.labAddress
        linkBase = config.linkBase
        fallback = config.reportDelivery
        linkDays = config.reportLinkDays
    }
}
