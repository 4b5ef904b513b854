import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxValues

/// Where a keyset page ends: the last row's id and, when the list is sorted by another column, that
/// column's value (the id breaks ties, so every row is visited exactly once).
package struct KeysetPosition: Sendable, Equatable {
    package var id: Int64
    package var value: String?

    /// For newest-first lists paged by id (jobs, notifications, mail): where the next page starts,
    /// or nil when this one was not full.
    package static func before(_ ids: [Int64?], limit: Int) -> KeysetPosition? {
        guard ids.count == limit, let last = ids.last ?? nil else { return nil }
        return KeysetPosition(id: last)
    }

    package init(id: Int64, value: String? = nil) {
        self.id = id
        self.value = value
    }
}

/// A list's order: `sort=name` ascending, `sort=-name` descending, by id when not given.
package struct ListOrder: Sendable, Equatable {
    package var column: String
    package var descending: Bool

    package init(column: String = "id", descending: Bool = false) {
        self.column = column
        self.descending = descending
    }

    package static let byID = ListOrder()

    /// The SQL the rows are ordered and compared by; a missing value sorts as empty text.
    package var expression: String { column == "id" ? "id" : "COALESCE(\(column), '')" }

    /// Where `record` stands in this order.
    package func position(of record: some MutablePersistableRecord) throws -> KeysetPosition {
        let values = try record.databaseDictionary
        let id = Int64.fromDatabaseValue(values["id"] ?? .null) ?? 0
        guard column != "id" else { return KeysetPosition(id: id) }
        return KeysetPosition(id: id, value: String.fromDatabaseValue(values[column] ?? .null) ?? "")
    }
}

extension ListOrder {
    /// Where the rows after `position` are in this order, and the order itself: the keyset, for
    /// the query interface and SQL written by hand alike.
    package func keyset(after position: KeysetPosition?) -> (condition: SQL?, orderBy: SQL) {
        let direction = descending ? "DESC" : "ASC"
        let orderBy = SQL(sql: "\(expression) \(direction), id \(direction)")
        guard let position else { return (nil, orderBy) }
        let comparison = descending ? "<" : ">"
        if let value = position.value, column != "id" {
            return (
                SQL(
                    sql: "(\(expression) \(comparison) ? OR (\(expression) = ? AND id \(comparison) ?))",
                    arguments: [value, value, position.id]), orderBy
            )
        }
        return (SQL(sql: "id \(comparison) ?", arguments: [position.id]), orderBy)
    }

    /// A page of `limit` from `rows`, fetched with one more so that a next page shows, and where
    /// that page starts (nil on the last page).
    package func page<Record: MutablePersistableRecord>(of rows: [Record], limit: Int) throws
        -> (items: [Record], next: KeysetPosition?)
    {
        let items = Array(rows.prefix(limit))
        return (items, rows.count > limit ? try items.last.map(position) : nil)
    }
}

extension QueryInterfaceRequest {
    /// The rows after `position` in `order`.
    package func keyset(_ order: ListOrder, after position: KeysetPosition?) -> Self {
        let (condition, orderBy) = order.keyset(after: position)
        let request = self.order(orderBy)
        return condition.map { request.filter($0) } ?? request
    }
}

extension QueryInterfaceRequest where RowDecoder: FetchableRecord & MutablePersistableRecord {
    /// One page after `after` in `order`, and where the next starts (nil on the last page).
    package func page(_ db: Database, order: ListOrder, after: KeysetPosition?, limit: Int) throws
        -> (items: [RowDecoder], next: KeysetPosition?)
    {
        try order.page(of: keyset(order, after: after).limit(limit + 1).fetchAll(db), limit: limit)
    }
}

/// The opaque keyset cursor of every paged list: a ``KeysetPosition``, base64url-encoded with a
/// version prefix so its form can change without clients noticing.
package enum Cursor {
    package static func encode(_ position: KeysetPosition) -> String {
        let text = position.value.map { "v2:\(position.id):\($0)" } ?? "v1:\(position.id)"
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The position in `cursor`, or nil for no cursor. A cursor LabBox did not make is a 422: any
    /// text is a well-formed cursor, but only those LabBox gave out lead somewhere.
    package static func decode(_ cursor: String?) throws -> KeysetPosition? {
        guard let cursor, !cursor.isEmpty else { return nil }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let invalid = APIError.validationFailed("The cursor is not one LabBox gave out.", field: "cursor")
        guard cursor.count < 1400, let data = Data(base64Encoded: base64),
            let text = String(data: data, encoding: .utf8)
        else { throw invalid }
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        switch parts.first {
        case "v1" where parts.count == 2:
            guard let id = Int64(parts[1]), id >= 0 else { throw invalid }
            return KeysetPosition(id: id)
        case "v2" where parts.count == 3:
            guard let id = Int64(parts[1]), id >= 0 else { throw invalid }
            return KeysetPosition(id: id, value: String(parts[2]))
        default:
            throw invalid
        }
    }
}

/// Reading the query parameters lists share, with errors that name the parameter.
///
/// A page's form sends every field, the empty ones too, so on a page an empty parameter is one not
/// given. An API client sends what it means: there `by=` is a value like any other, and the
/// readers below refuse it where the document says what the value must be.
package struct ListQuery {
    package let parameters: [String: String]
    private let emptyIsAbsent: Bool

    package init(_ request: Request) {
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { parameters[String(name)] = String(value) }
        self.parameters = parameters
        emptyIsAbsent = !request.uri.path.hasPrefix("/api/")
    }

    package subscript(name: String) -> String? {
        parameters[name].flatMap { $0.isEmpty && emptyIsAbsent ? nil : $0 }
    }

    /// `limit` (or another count parameter): 1 to `maximum`, `defaultValue` when absent.
    package func limit(default defaultValue: Int = 50, maximum: Int = 200, name: String = "limit") throws -> Int {
        guard let text = self[name] else { return defaultValue }
        guard let limit = Int(text), (1...maximum).contains(limit) else {
            throw APIError.invalid("\(name) must be a whole number from 1 to \(maximum).", field: name)
        }
        return limit
    }

    /// A parameter that must be one of `allowed`.
    package func choice(_ name: String, in allowed: [String]) throws -> String? {
        guard let value = self[name] else { return nil }
        guard allowed.contains(value) else {
            throw APIError.invalid("\(name) must be one of \(allowed.joined(separator: ", ")).", field: name)
        }
        return value
    }

    /// A parameter that must be one of the lab's configured values (species, sample kinds). The
    /// document cannot list what each lab configures, so another value breaks a rule (422) rather
    /// than being malformed (400).
    package func configured(_ name: String, in allowed: [String]) throws -> String? {
        guard let value = self[name] else { return nil }
        guard allowed.contains(value) else {
            throw APIError.validationFailed(
                "\(name) must be one of \(allowed.joined(separator: ", ")).", field: name)
        }
        return value
    }

    /// A record id parameter, nil when absent: a whole number above zero, also as JSON Schema's
    /// integers may be written (`12.0`).
    package func id(_ name: String) throws -> Int64? {
        guard let text = self[name]?.trimmingCharacters(in: .whitespaces) else { return nil }
        let whole = Int64(text) ?? Double(text).flatMap { $0.rounded() == $0 && abs($0) < 1e15 ? Int64($0) : nil }
        guard let id = whole, id > 0 else {
            throw APIError.invalid("\(name) must be a record id (a whole number).", field: name)
        }
        return id
    }

    package func cursor() throws -> KeysetPosition? { try Cursor.decode(self["cursor"]) }

    /// `sort`: one of `columns`, with a leading `-` for descending; by id when absent.
    package func order(_ columns: [String]) throws -> ListOrder {
        guard let text = self["sort"] else { return .byID }
        let descending = text.hasPrefix("-")
        let column = descending ? String(text.dropFirst()) : text
        guard column == "id" || columns.contains(column) else {
            let allowed = (["id"] + columns).joined(separator: ", ")
            throw APIError.invalid("sort must be one of \(allowed), with - for descending.", field: "sort")
        }
        return ListOrder(column: column, descending: descending)
    }

    /// The query string of the page after `position`, keeping the filter parameters `names`; nil
    /// when there is no next page.
    package func nextPage(keeping names: [String], after position: KeysetPosition?) -> String? {
        guard let position else { return nil }
        return encoded(names, extra: [URLQueryItem(name: "cursor", value: Cursor.encode(position))])
    }

    /// The link to the first page of `path` with the same filters, when this is a later page.
    package func firstPage(_ path: String, keeping names: [String]) -> String? {
        guard self["cursor"] != nil else { return nil }
        let query = encoded(names, extra: [])
        return query.isEmpty ? path : path + "?" + query
    }

    /// Just the filter parameters `names`, for links such as exports of the same selection.
    package func filters(_ names: [String]) -> String { encoded(names, extra: []) }

    private func encoded(_ names: [String], extra: [URLQueryItem]) -> String {
        var components = URLComponents()
        components.queryItems =
            names.compactMap { name in self[name].map { URLQueryItem(name: name, value: $0) } } + extra
        return components.percentEncodedQuery ?? ""
    }
}

/// One page of a keyset-paged list: `{"items":[…],"next_cursor":string|null}`.
package struct KeysetPage<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    package let items: [Item]
    package let nextCursor: String?

    /// The page of `items`, with a cursor at `next` when more follow.
    package init(items: [Item], next: KeysetPosition?) {
        self.items = items
        nextCursor = next.map(Cursor.encode)
    }

    package enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    package func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        // Always present: `null` on the last page, which the synthesised encoding would leave out.
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

extension ListQuery {
    package func integer(_ name: String) throws -> Int64? {
        guard let text = self[name] else { return nil }
        guard let value = Int64(text) else { throw APIError.invalid("\(name) must be a whole number.", field: name) }
        return value
    }

    /// A day, `YYYY-MM-DD`; nil when absent.
    package func day(_ name: String) throws -> String? {
        guard let text = self[name] else { return nil }
        guard let day = Day.date(text) else {
            throw APIError.invalid("\(name) must be a date (2026-11-25).", field: name)
        }
        return Day.text(day)
    }

    /// An RFC 3339 timestamp or a date (`2026-11-25`: the start of that day on the lab's clock,
    /// `days`), in the trail's format.
    package func time(_ name: String, days: LabTime) throws -> String? {
        guard let text = self[name] else { return nil }
        let date = Timestamp.parse(text) ?? days.start(ofDay: text)
        guard let date else {
            throw APIError.invalid("\(name) must be a date (2026-11-25) or an RFC 3339 timestamp.", field: name)
        }
        return AuditEvent.timestamp(date)
    }
}
