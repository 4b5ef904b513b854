/// A JSON Schema (the OpenAPI 3.1 dialect) written in Swift, beside the code whose JSON it describes.
///
/// Schemas are values built from a few constructors and modifiers:
/// `.object(["id": .integer, "name": .string(maxLength: 200)], required: ["id"]).named("Animal")`.
/// A named schema is a component: the document writes it once under `components/schemas` and refers
/// to it by `$ref` wherever it is used, so no reference can dangle.
package struct APISchema: Sendable {
    /// The component name, when this schema is one.
    package private(set) var name: String?
    /// The JSON Schema keywords, in the order they are written.
    package private(set) var keywords: [(String, APIValue)]

    package init(_ keywords: [(String, APIValue)]) {
        self.keywords = keywords
    }

    /// A component, written once in the document and referred to by name.
    package func named(_ name: String) -> APISchema {
        var schema = self
        schema.name = name
        return schema
    }

    /// The schema with `keyword` set, replacing an earlier value.
    package func with(_ keyword: String, _ value: APIValue) -> APISchema {
        var schema = self
        schema.keywords.removeAll { $0.0 == keyword }
        schema.keywords.append((keyword, value))
        return schema
    }

    package func described(_ text: String) -> APISchema { with("description", .text(text)) }
    package func example(_ value: APIValue) -> APISchema { with("example", value) }
    package func examples(_ values: [APIValue]) -> APISchema { with("examples", .list(values)) }
    package func format(_ format: String) -> APISchema { with("format", .text(format)) }

    /// The same type, or JSON `null`.
    package var nullable: APISchema {
        guard case .text(let type) = keywords.first(where: { $0.0 == "type" })?.1 else {
            return .oneOf([self, .null])
        }
        return with("type", .list([.text(type), .text("null")]))
    }
}

extension APISchema {
    private static func type(_ name: String) -> APISchema { APISchema([("type", .text(name))]) }

    package static let string = type("string")
    /// Every integer LabBox reads or writes is 64 bits wide; larger ones are refused as malformed.
    package static let integer = type("integer").format("int64")
    package static let number = type("number")
    package static let boolean = type("boolean")
    package static let null = type("null")
    package static let anyObject = type("object")
    /// The id of a record, as a filter names it: ids start at 1.
    package static let recordID = integer(minimum: 1)
    package static let dateTime = string.format("date-time")
    package static let date = string.format("date")
    package static let email = string.format("email")
    package static let binary = string.format("binary")

    package static func string(minLength: Int? = nil, maxLength: Int? = nil) -> APISchema {
        string.bounded("minLength", minLength).bounded("maxLength", maxLength)
    }

    package static func integer(minimum: Int? = nil, maximum: Int? = nil) -> APISchema {
        integer.bounded("minimum", minimum).bounded("maximum", maximum)
    }

    package static func number(minimum: Int? = nil, maximum: Int? = nil) -> APISchema {
        number.bounded("minimum", minimum).bounded("maximum", maximum)
    }

    /// A string that is one of `values`, or also `null` when `orNull`.
    package static func enumeration(_ values: [String], orNull: Bool = false) -> APISchema {
        let values = values.map(APIValue.text) + (orNull ? [.null] : [])
        return (orNull ? string.nullable : string).with("enum", .list(values))
    }

    package static func array(_ items: APISchema, minItems: Int? = nil, maxItems: Int? = nil) -> APISchema {
        type("array").with("items", .schema(items)).bounded("minItems", minItems).bounded("maxItems", maxItems)
    }

    /// An object with these properties (in this order); `required` names those always present.
    package static func object(_ properties: KeyValuePairs<String, APISchema>, required: [String] = []) -> APISchema {
        var schema = type("object")
        if !required.isEmpty { schema = schema.with("required", .list(required.map(APIValue.text))) }
        return schema.with("properties", .properties(properties.map { ($0.key, $0.value) }))
    }

    /// A keyset page of `items`: `{"items": […], "next_cursor": "…" or null}`.
    package static func page(of items: APISchema) -> APISchema {
        .object(["items": .array(items), "next_cursor": .string.nullable], required: ["items", "next_cursor"])
    }

    /// An object whose keys are free and whose values all match `values`.
    package static func map(_ values: APISchema) -> APISchema {
        type("object").with("additionalProperties", .schema(values))
    }

    package static func oneOf(_ schemas: [APISchema]) -> APISchema { APISchema([("oneOf", .schemas(schemas))]) }
    package static func allOf(_ schemas: [APISchema]) -> APISchema { APISchema([("allOf", .schemas(schemas))]) }

    /// A component by name, for a schema that contains itself (a pedigree node's sire is a node).
    package static func reference(_ name: String) -> APISchema {
        APISchema([("$ref", .text("#/components/schemas/\(name)"))])
    }

    private func bounded(_ keyword: String, _ value: Int?) -> APISchema {
        value.map { with(keyword, .integer($0)) } ?? self
    }
}

/// A keyword's value in a schema: plain JSON, or schemas that the document may turn into references.
package indirect enum APIValue: Sendable, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByIntegerLiteral
{
    case null
    case text(String)
    case integer(Int)
    case list([APIValue])
    case schema(APISchema)
    case schemas([APISchema])
    case properties([(String, APISchema)])

    package init(stringLiteral value: String) { self = .text(value) }
    package init(integerLiteral value: Int) { self = .integer(value) }
    package init(arrayLiteral elements: APIValue...) { self = .list(elements) }
}
