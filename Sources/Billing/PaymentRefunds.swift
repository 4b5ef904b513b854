import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// Refunds: a customer's credit (what of a payment is not allocated) paid back, never more than
/// the payment has left, with the reason in the audit trail.
extension PaymentStore {
    package struct RefundInput: Codable, Sendable {
        package var amount: String?
        package var refundedOn: String?
        package var method: String?
        package var reference: String?
        package var reason: String?

        package enum CodingKeys: String, CodingKey {
            case amount, method, reference, reason
            case refundedOn = "refunded_on"
        }

        package init(
            amount: String?, refundedOn: String? = nil, method: String? = nil, reference: String? = nil,
            reason: String?
        ) {
            (self.amount, self.refundedOn, self.method) = (amount, refundedOn, method)
            (self.reference, self.reason) = (reference, reason)
        }
    }

    package func refund(payment id: Int64, _ input: RefundInput, context: EventContext) async throws -> PaymentRefund {
        let currency = settings.currency
        guard let amount = input.amount.flatMap(currency.minor), amount > 0 else {
            throw APIError.validationFailed(
                "An amount above 0 with at most \(currency.digits) decimals (\(currency.code)).", field: "amount")
        }
        guard let method = Payment.Method(rawValue: input.method ?? "bank_transfer") else {
            throw APIError.validationFailed("bank_transfer, card, cash, direct_debit or other.", field: "method")
        }
        let reason = try InputCheck.text(input.reason, field: "reason", limit: AuditTrail.maxReason)
        guard !reason.isEmpty else { throw APIError.validationFailed("Give the reason.", field: "reason") }
        let day = try Day.past(input.refundedOn, field: "refunded_on", label: "day of the refund")
        let reference = try InputCheck.text(input.reference, field: "reference", limit: 200)
        return try await database.write(context) { write in
            guard let payment = try Payment.fetchOne(write.db, key: id) else {
                throw APIError.notFound("No such payment.")
            }
            let left = payment.amountMinor - (try Self.used(write.db, payment: id))
            guard amount <= left else {
                throw APIError.validationFailed(
                    "At most the \(currency.text(max(left, 0))) of the payment neither allocated nor refunded.",
                    field: "amount")
            }
            guard day >= payment.receivedOn else {
                throw APIError.validationFailed("Not before the payment was received.", field: "refunded_on")
            }
            var refund = PaymentRefund(
                paymentId: id, refundedOn: day, amountMinor: amount, method: method, reference: reference,
                reason: reason, createdAt: Date())
            try write.insert(&refund, action: "refund", reason: reason)
            return refund
        }
    }

    package func refunds(payment id: Int64) async throws -> [PaymentRefund] {
        try await database.read { db in
            try PaymentRefund.filter(PaymentRefund.CodingKeys.paymentId == id)
                .order(PaymentRefund.CodingKeys.refundedOn, PaymentRefund.CodingKeys.id).fetchAll(db)
        }
    }
}
