import Foundation

/// A model as the dictionary Mustache reads, for pages and mails alike: its keys in snake_case, an
/// absent optional an absent key (so `{{#x}}` is false for it).
package enum TemplateValues {
    package static func of(_ model: some Encodable) -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // A model is strings, numbers, booleans, arrays and nested models, so encoding cannot fail.
        let data = try! encoder.encode(model)
        return native((try? JSONSerialization.jsonObject(with: data)) ?? [:]) as? [String: Any] ?? [:]
    }

    /// JSONSerialization's numbers and booleans as Swift's `Int`, `Double` and `Bool`: Mustache
    /// takes an `NSNumber` 0 or 1 for a boolean (hiding a section over a count of 0, printing
    /// `true` as 1), but never an `Int`.
    private static func native(_ value: Any) -> Any {
        switch value {
        case let dictionary as [String: Any]: dictionary.mapValues(native)
        case let array as [Any]: array.map(native)
        case let number as NSNumber:
            switch String(cString: number.objCType) {
            case "c", "B": number.boolValue
            case "d", "f": number.doubleValue
            default: number.intValue
            }
        default: value
        }
    }
}
