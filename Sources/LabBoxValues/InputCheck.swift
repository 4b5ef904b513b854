import Foundation

/// Checks of single typed values that every store applies the same way (text length, counts,
/// percentages), each failing with a 422 that names the field.
package enum InputCheck {
    /// A required count entered by hand: a whole number from 0 to `maximum`.
    package static func count(_ value: Int?, field: String, maximum: Int = 10_000) throws -> Int {
        guard let value else {
            throw APIError.validationFailed("Enter \(field.replacingOccurrences(of: "_", with: " ")).", field: field)
        }
        guard (0...maximum).contains(value) else {
            throw APIError.validationFailed(
                "\(field.replacingOccurrences(of: "_", with: " ")) must be 0 to \(maximum).", field: field)
        }
        return value
    }

    /// Trimmed text of at most `limit` characters, `fallback` when empty.
    package static func text(_ value: String?, field: String, limit: Int = 200, fallback: String = "") throws -> String
    {
        let text = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        try length(text, field: field, limit: limit)
        return text.isEmpty ? fallback : text
    }

    /// Refuses text longer than `limit` characters, counted as JSON Schema's `maxLength` counts
    /// them (Unicode code points), so that a bound the OpenAPI document declares is this bound.
    /// Every stored text a client chose passes here: the rows it lands in, and the audit events
    /// beside them, are kept for years.
    package static func length(_ text: String, field: String, limit: Int) throws {
        guard text.unicodeScalars.count <= limit else {
            throw APIError.validationFailed("At most \(limit) characters.", field: field)
        }
    }

    /// A percentage, 0 to 100, when given.
    package static func percent(_ value: Int?, field: String) throws -> Int? {
        guard let value else { return nil }
        guard (0...100).contains(value) else {
            throw APIError.validationFailed("Give a percentage from 0 to 100.", field: field)
        }
        return value
    }
}
