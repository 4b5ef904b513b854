import Foundation
import LabBoxValues

/// Reads a typed form's text fields as values, with errors that name the field.
///
/// Every form is a `Decodable` struct. A browser sends "" for an empty number input, which a
/// decoded `Int` would reject outright, so forms declare such fields as `String?` and read them
/// through these functions: trimmed, nil when empty, an `APIError` naming the field when not a
/// number.
package enum FormText {
    /// The trimmed value, nil when absent or empty.
    package static func text(_ value: String?) -> String? {
        value.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    package static func int(_ value: String?, field: String) throws -> Int? {
        guard let text = text(value) else { return nil }
        guard let number = Int(text) else { throw APIError.invalid("Enter a whole number.", field: field) }
        return number
    }

    package static func id(_ value: String?, field: String) throws -> Int64? {
        guard let text = text(value) else { return nil }
        guard let id = Int64(text), id > 0 else { throw APIError.invalid("Enter a record id.", field: field) }
        return id
    }

    /// A decimal number; a decimal comma is accepted.
    package static func number(_ value: String?, field: String) throws -> Double? {
        guard let text = text(value)?.replacingOccurrences(of: ",", with: ".") else { return nil }
        guard let number = Double(text), number.isFinite else {
            throw APIError.invalid("Enter a number.", field: field)
        }
        return number
    }
}

/// The fields of a form named `<prefix><id>` (an `embryo_12` checkbox, an `opu_3` count), which
/// a form cannot declare one by one. A typed form decodes them from its own decoder:
/// `embryos = try FieldsByID(from: decoder)`.
package struct FieldsByID: Decodable, Sendable {
    package let values: [String: String]

    package init(from decoder: Decoder) throws {
        values = try [String: String](from: decoder)
    }

    package init(values: [String: String] = [:]) {
        self.values = values
    }

    /// The values of the fields named `<prefix><id>`, by id.
    package func byID(prefix: String) -> [Int64: String] {
        var result: [Int64: String] = [:]
        for (name, value) in values where name.hasPrefix(prefix) {
            if let id = Int64(name.dropFirst(prefix.count)) { result[id] = value }
        }
        return result
    }
}
