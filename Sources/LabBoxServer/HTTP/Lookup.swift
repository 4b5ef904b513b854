import Foundation
import Hummingbird
import LabBoxValues

/// What a picker needs to offer records as a person types or scans: `GET …/lookup?q=` on a
/// resource answers with a few matches, the exact ones first. Forms keep posting ids; the picker
/// (`data-pick` in `app.js`) only finds them, so the API and the forms without script are unchanged.
package enum Lookup {
    /// Enough to choose from while typing; more means the words are too vague.
    package static let limit = 10

    /// One record as a picker shows it. `exact` when the words were one of its codes (a scanned
    /// ear tag, a typed `#12`): the picker chooses a lone exact match without asking.
    package struct Match: Codable, Sendable, Equatable {
        package let id: Int64
        package let label: String
        package let detail: String
        package let exact: Bool

        package init(id: Int64, label: String, detail: String, exact: Bool) {
            self.id = id
            self.label = label
            self.detail = detail
            self.exact = exact
        }
    }

    /// The trimmed words of `q`, at most 100 characters; nil when there are none.
    package static func words(_ query: ListQuery) throws -> String? {
        guard let text = query["q"]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        guard text.count <= 100 else { throw APIError.invalid("q is at most 100 characters.", field: "q") }
        return text
    }

    /// The id a person typed as `#12` or `12`.
    package static func id(_ words: String) -> Int64? {
        Int64(words.hasPrefix("#") ? String(words.dropFirst()) : words).flatMap { $0 > 0 ? $0 : nil }
    }

    /// Exact matches first, then the rest, each record once, at most ``limit``.
    package static func ranked(exact: [Match], others: [Match]) -> ItemList<Match> {
        var seen = Set<Int64>()
        let items = (exact + others).filter { seen.insert($0.id).inserted }
        return ItemList(items: Array(items.prefix(limit)))
    }
}

extension APIOperation {
    /// The documentation of a resource's `lookup` route.
    package static func lookup(_ noun: String, matchedBy words: String, filters: [APIParameter] = [])
        -> APIOperation
    {
        APIOperation(
            "Find \(noun)s for a picker",
            "Up to \(Lookup.limit) \(noun)s: first those whose \(words) is exactly q, or whose id is q (`12` or `#12`), then those whose words start with q's words. For type-ahead fields and scanners; lists page with the list route.",
            parameters: [.query("q", "What the person typed or scanned, at most 100 characters.")] + filters,
            responses: [
                200: .json(.lookupMatches, "Matches, exact ones first (none without q)."),
                400: "A bad parameter (field names it).",
            ]
        )
    }
}

extension APISchema {
    package static let lookupMatches: APISchema = .object(
        [
            "items": .array(
                .object(
                    [
                        "id": .integer,
                        "label": .string,
                        "detail": .string,
                        "exact": .boolean,
                    ], required: ["id", "label", "detail", "exact"]
                ).named("LookupMatch"))
        ], required: ["items"]
    ).named("LookupMatches")
}
