import Foundation
import Hummingbird

/// The opaque keyset cursor of every paged list: the last key of a page, base64url-encoded with
/// a version prefix so its form can change without clients noticing.
enum Cursor {
    static func encode(_ key: Int64) -> String {
        Data("v1:\(key)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The key in `cursor`, or nil for no cursor; a cursor LabBox did not make is a 400.
    static func decode(_ cursor: String?) throws -> Int64? {
        guard let cursor, !cursor.isEmpty else { return nil }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard cursor.count < 64, let data = Data(base64Encoded: base64),
            let text = String(data: data, encoding: .utf8), text.hasPrefix("v1:"),
            let key = Int64(text.dropFirst(3)), key >= 0
        else {
            throw APIError.invalid("The cursor is not one LabBox gave out.", field: "cursor")
        }
        return key
    }
}

/// Reading the query parameters lists share, with errors that name the parameter.
struct ListQuery {
    let parameters: [String: String]

    init(_ request: Request) {
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { parameters[String(name)] = String(value) }
        self.parameters = parameters
    }

    subscript(name: String) -> String? { parameters[name].flatMap { $0.isEmpty ? nil : $0 } }

    /// `limit` (or another count parameter): 1 to `maximum`, `defaultValue` when absent.
    func limit(default defaultValue: Int = 50, maximum: Int = 200, name: String = "limit") throws -> Int {
        guard let text = self[name] else { return defaultValue }
        guard let limit = Int(text), (1...maximum).contains(limit) else {
            throw APIError.invalid("\(name) must be a whole number from 1 to \(maximum).", field: name)
        }
        return limit
    }

    /// A parameter that must be one of `allowed`.
    func choice(_ name: String, in allowed: [String]) throws -> String? {
        guard let value = self[name] else { return nil }
        guard allowed.contains(value) else {
            throw APIError.invalid("\(name) must be one of \(allowed.joined(separator: ", ")).", field: name)
        }
        return value
    }

    func cursor() throws -> Int64? { try Cursor.decode(self["cursor"]) }

    /// The query string of the page after `lastKey`, keeping the filter parameters `names`; nil
    /// when there is no next page.
    func nextPage(keeping names: [String], after lastKey: Int64?) -> String? {
        guard let lastKey else { return nil }
        return encoded(names, extra: [URLQueryItem(name: "cursor", value: Cursor.encode(lastKey))])
    }

    /// The link to the first page of `path` with the same filters, when this is a later page.
    func firstPage(_ path: String, keeping names: [String]) -> String? {
        guard self["cursor"] != nil else { return nil }
        let query = encoded(names, extra: [])
        return query.isEmpty ? path : path + "?" + query
    }

    /// Just the filter parameters `names`, for links such as exports of the same selection.
    func filters(_ names: [String]) -> String { encoded(names, extra: []) }

    private func encoded(_ names: [String], extra: [URLQueryItem]) -> String {
        var components = URLComponents()
        components.queryItems =
            names.compactMap { name in self[name].map { URLQueryItem(name: name, value: $0) } } + extra
        return components.percentEncodedQuery ?? ""
    }
}

/// One page of a keyset-paged list: `{"items":[…],"next_cursor":string|null}`.
struct KeysetPage<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    let items: [Item]
    let nextCursor: String?

    /// The page of `items`, with a cursor after the last one's `key` when `more` follow.
    init(items: [Item], more: Bool, key: (Item) -> Int64) {
        self.items = items
        nextCursor = more ? items.last.map { Cursor.encode(key($0)) } : nil
    }

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        // Always present: `null` on the last page, which the synthesised encoding would leave out.
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}
