import Foundation
import LabBoxValues

/// The longest text each string of a JSON request body may hold, read from the `maxLength` of the
/// body's documented schema.
///
/// Every text a client chooses ends up in rows and audit events that are kept for years (issue 20,
/// H1), so every string of every request body declares a bound. Reading the bound from the
/// documentation makes the promise and its enforcement one value: what the OpenAPI document says
/// is what the server refuses, with `422` naming the field (the check is ``InputCheck/length``),
/// before the handler runs and so before anything is written. Stores check their own bounds
/// too, for the forms and CSV imports that reach them without a schema.
///
/// A JSON `null` where the document says text is refused the same way (`422` naming the field):
/// decoding would read it as an absent value and store an empty text the client did not send.
package indirect enum TextBounds: Sendable {
    case text(Int, nullable: Bool)
    case object([String: TextBounds])
    case array(TextBounds)
    /// `oneOf`/`allOf`: each alternative's bounds apply to the values of its shape.
    case alternatives([TextBounds])

    /// The bounds of `schema`, nil when it holds no bounded string.
    package init?(_ schema: APISchema) {
        var found: [TextBounds] = []
        for (keyword, value) in schema.keywords {
            switch (keyword, value) {
            case ("maxLength", .integer(let limit)): found.append(.text(limit, nullable: schema.allowsNull))
            case ("properties", .properties(let properties)):
                let bounded = properties.compactMap { name, schema in TextBounds(schema).map { (name, $0) } }
                if !bounded.isEmpty { found.append(.object(Dictionary(uniqueKeysWithValues: bounded))) }
            case ("items", .schema(let items)):
                if let bounds = TextBounds(items) { found.append(.array(bounds)) }
            case ("oneOf", .schemas(let schemas)), ("allOf", .schemas(let schemas)):
                let nullable = schemas.contains(where: \.allowsNull)
                found.append(contentsOf: schemas.compactMap(TextBounds.init).map { nullable ? $0.allowingNull : $0 })
            default: break
            }
        }
        guard let first = found.first else { return nil }
        self = found.count == 1 ? first : .alternatives(found)
    }

    /// Refuses the first text of `json` (as `JSONSerialization` reads it) beyond its bound; the
    /// field is named as decoding errors name it (`moves.0.reason`).
    package func check(_ json: Any, path: [String] = []) throws {
        switch (self, json) {
        case (.text(let limit, _), let text as String):
            try InputCheck.length(text, field: path.joined(separator: "."), limit: limit)
        case (.text(_, nullable: false), is NSNull):
            throw APIError.validationFailed("Must be text, not null.", field: path.joined(separator: "."))
        case (.object(let properties), let object as [String: Any]):
            for (name, bounds) in properties {
                if let value = object[name] { try bounds.check(value, path: path + [name]) }
            }
        case (.array(let items), let array as [Any]):
            for (index, value) in array.enumerated() { try items.check(value, path: path + [String(index)]) }
        case (.alternatives(let all), _):
            for bounds in all { try bounds.check(json, path: path) }
        default: break
        }
    }
}

extension TextBounds {
    /// The smallest bound of any text in these bounds.
    package var smallestLimit: Int {
        switch self {
        case .text(let limit, _): limit
        case .object(let properties): properties.values.map(\.smallestLimit).min() ?? .max
        case .array(let items): items.smallestLimit
        case .alternatives(let all): all.map(\.smallestLimit).min() ?? .max
        }
    }

    /// Whether the JSON text `body` may fail ``check(_:path:)`` for bounds whose
    /// ``smallestLimit`` is `limit`: it holds a `null`, or a string of more than `limit` bytes
    /// (the bounds count characters, and each takes at least one byte). Most bodies hold neither,
    /// and this scan of their bytes costs far less than parsing them (2 % of an API create).
    package static func mayRefuse(_ body: some Sequence<UInt8>, limit: Int) -> Bool {
        var inString = false
        var escaped = false
        var length = 0
        for byte in body {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    continue
                }
                length += 1
                if length > limit { return true }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                length = 0
            } else if byte == UInt8(ascii: "n") {
                // Outside strings only `null` has an "n".
                return true
            }
        }
        return false
    }

    fileprivate var allowingNull: TextBounds {
        guard case .text(let limit, _) = self else { return self }
        return .text(limit, nullable: true)
    }
}

extension APISchema {
    /// Whether JSON `null` is one of the values the schema allows.
    fileprivate var allowsNull: Bool {
        keywords.contains { keyword, value in
            switch (keyword, value) {
            case ("type", .text(let type)): type == "null"
            case ("type", .list(let types)): types.contains { if case .text("null") = $0 { true } else { false } }
            case ("oneOf", .schemas(let schemas)): schemas.contains(where: \.allowsNull)
            default: false
            }
        }
    }
}

extension APIOperation {
    /// The bounds of the operation's JSON body, nil when it has none.
    package var textBounds: TextBounds? {
        guard let body, body.mediaType == "application/json" else { return nil }
        return TextBounds(body.schema)
    }
}
