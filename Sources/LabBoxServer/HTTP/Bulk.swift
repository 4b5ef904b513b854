import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxValues

/// The outcome of one item of a bulk action.
package struct BulkItemResult: Codable, Sendable {
    package let id: Int64
    package let ok: Bool
    package let error: String?
    package let field: String?
}

/// A bulk action's answer: whether it was applied (all items) or not (none), and each item's outcome.
package struct BulkOutcome: ResponseEncodable, Sendable {
    package let applied: Bool
    package let results: [BulkItemResult]

    package var response: EditedResponse<BulkOutcome> {
        EditedResponse(status: applied ? .ok : .unprocessableContent, response: self)
    }

    package var failures: [BulkItemResult] { results.filter { !$0.ok } }

    /// The first few failures as a person reads them on a page: `#12: why #15: why`.
    package var failureSummary: String {
        failures.prefix(5).map { "#\($0.id): \($0.error ?? "")" }.joined(separator: " ")
    }
}

extension AppDatabase {
    /// Runs `change` for each id in one transaction, each in a savepoint so every item's
    /// outcome is known; when any fails, the whole transaction rolls back.
    package func bulk(
        _ ids: [Int64], context: EventContext, _ change: @escaping @Sendable (Int64, AuditedWrite) throws -> Void
    ) async throws -> BulkOutcome {
        struct Failure: Error { let results: [BulkItemResult] }
        do {
            let results = try await write(context) { write -> [BulkItemResult] in
                let results = try ids.map { id -> BulkItemResult in
                    do {
                        try write.db.inSavepoint {
                            try change(id, write)
                            return .commit
                        }
                        return BulkItemResult(id: id, ok: true, error: nil, field: nil)
                    } catch let error as APIError {
                        return BulkItemResult(id: id, ok: false, error: error.message, field: error.field)
                    } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                        // The database's own text names tables and columns: the client gets the gist.
                        return BulkItemResult(
                            id: id, ok: false,
                            error:
                                "The change breaks a rule of the records (a value must be unique, or a link is missing).",
                            field: nil)
                    }
                }
                if results.contains(where: { !$0.ok }) { throw Failure(results: results) }
                return results
            }
            return BulkOutcome(applied: true, results: results)
        } catch let failure as Failure {
            return BulkOutcome(applied: false, results: failure.results)
        }
    }
}

/// A list page's selection: the ticked rows (`ids[]`) and the form's other fields.
package struct BulkSelection<Fields: Decodable>: Decodable {
    package var ids: [Int64]
    package var fields: Fields

    package enum CodingKeys: String, CodingKey { case ids }

    package init(from decoder: Decoder) throws {
        ids = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent([Int64].self, forKey: .ids) ?? []
        fields = try Fields(from: decoder)
    }
}
