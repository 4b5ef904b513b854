import GRDB

/// How a customer receives an order's verified results: the report attached to the email, a
/// link to it that needs no LabBox account, or no email at all.
package enum ReportDelivery: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case attach, link, none
}
