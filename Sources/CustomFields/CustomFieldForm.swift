import GRDB
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The custom fields of a record's form (`custom-fields.mustache`), named `custom_fields[key]`,
/// with what was typed (after a refused save) or what is stored.
package struct CustomFieldForm: Encodable, Sendable {
    package struct Input: Encodable, Sendable {
        let id: String
        let key: String
        let label: String
        let unit: String
        let value: String
        let required: Bool
        /// A field for one species: shown (by app.js) while the form's species is this one.
        let onlySpecies: String
        let text: Bool
        let number: Bool
        let date: Bool
        let choice: Bool
        let maxLength: Int
        // Text, never nil: a nil key would make Mustache look it up in the page around the form.
        let minimum: String
        let maximum: String
        let options: [Choice]
    }

    package let inputs: [Input]

    /// The form of the record `id` of `species`: the fields that apply to it and its values. A
    /// new record's form (`id` nil) has every active field, those of one species marked as such.
    package static func load(
        _ db: Database, _ entity: CustomField.Entity, id: Int64?, species: String?, typed: [String: String]?
    ) throws -> CustomFieldForm {
        var fields = try CustomValues.active(db, entity)
        var stored: [String: CustomValue] = [:]
        if let id {
            fields = fields.filter { $0.applies(to: species) }
            stored = try CustomValues.load(db, entity, id: id)
        }
        return CustomFieldForm(
            inputs: fields.map { field in
                let value = typed?[field.key] ?? stored[field.key]?.text ?? ""
                return Input(
                    id: "cf-" + field.key.replacingOccurrences(of: "_", with: "-"), key: field.key, label: field.label,
                    unit: field.unit, value: value, required: field.required, onlySpecies: field.species ?? "",
                    text: field.kind == .text, number: field.kind == .number, date: field.kind == .date,
                    choice: field.kind == .choice, maxLength: field.maxLength,
                    minimum: field.minimum.map(JSONText.number) ?? "",
                    maximum: field.maximum.map(JSONText.number) ?? "",
                    options: Choice.list(field.options, selected: value))
            })
    }

    /// The record's values as a detail page's facts, label and value with its unit, in form order:
    /// archived fields' values too, after the active ones.
    package static func facts(_ db: Database, _ entity: CustomField.Entity, id: Int64) throws
        -> [(label: String, value: String)]
    {
        let values = try CustomValues.load(db, entity, id: id)
        guard !values.isEmpty else { return [] }
        let fields = try CustomField.filter(CustomField.CodingKeys.entityType == entity)
            .order(sql: "archived, position, label, id").fetchAll(db)
        return fields.compactMap { field in
            values[field.key].map { (field.label, field.unit.isEmpty ? $0.text : "\($0.text) \(field.unit)") }
        }
    }
}
