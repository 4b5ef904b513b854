import Foundation
import Hummingbird
import LabBoxValues

/// An HTML form's fields as text, read into typed values with errors that name the field: a
/// browser sends "" for an empty number input, which a typed `Decodable` would reject outright.
package struct FormFields: Sendable {
    package let values: [String: String]

    package static func decode(_ request: Request, context: AppRequestContext) async throws -> FormFields {
        FormFields(values: try await request.decode(as: [String: String].self, context: context))
    }

    /// The trimmed value, nil when absent or empty.
    package subscript(_ name: String) -> String? {
        values[name].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    package func int(_ name: String) throws -> Int? {
        guard let text = self[name] else { return nil }
        guard let value = Int(text) else { throw APIError.invalid("Enter a whole number.", field: name) }
        return value
    }

    package func id(_ name: String) throws -> Int64? {
        guard let text = self[name] else { return nil }
        guard let value = Int64(text), value > 0 else { throw APIError.invalid("Enter a record id.", field: name) }
        return value
    }

    package func number(_ name: String) throws -> Double? {
        guard let text = self[name]?.replacingOccurrences(of: ",", with: ".") else { return nil }
        guard let value = Double(text), value.isFinite else { throw APIError.invalid("Enter a number.", field: name) }
        return value
    }

    /// Fields named `<prefix><id>`, e.g. `embryo_12` checkboxes or `opu_3` counts, by id.
    package func byID(prefix: String) -> [Int64: String] {
        var result: [Int64: String] = [:]
        for (name, value) in values where name.hasPrefix(prefix) {
            if let id = Int64(name.dropFirst(prefix.count)) { result[id] = value }
        }
        return result
    }

    package init(values: [String: String]) {
        self.values = values
    }
}
