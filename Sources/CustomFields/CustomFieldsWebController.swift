import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/admin/custom-fields`: the fields of animals, customers and samples, a form for a new one,
/// and each field's settings with archiving; admins only.
package struct CustomFieldsWebController {
    package let store: CustomFieldStore
    package let pages: PageRenderer

    package init(store: CustomFieldStore, pages: PageRenderer) { (self.store, self.pages) = (store, pages) }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/admin/custom-fields", .admin) { request, context in try await list(request, context) }
        routes.post("/admin/custom-fields", .admin) { request, context in
            let form = try await request.decode(as: FieldForm.self, context: context)
            do {
                let field = try await store.create(try form.input(creating: true), context: context.eventContext)
                return Flash(kind: .success, message: "\(field.label) was added.").redirect(to: "/admin/custom-fields")
            } catch let error as APIError where error.status.code < 500 {
                return try await list(request, context, form: form, error: error)
            }
        }
        routes.get("/admin/custom-fields/{id}", .admin) { request, context in
            let field = try await store.get(try context.id())
            return fieldPage(request, context, field, form: FieldForm(field), error: nil)
        }
        routes.post("/admin/custom-fields/{id}", .admin) { request, context in
            let id = try context.id()
            var form = try await request.decode(as: FieldForm.self, context: context)
            let field = try await store.get(id)
            // The settings form does not send the kind, which never changes.
            form.kind = field.kind.rawValue
            do {
                var input = try form.input(creating: false)
                input.archived = form.archived == "true"
                let saved = try await store.update(id, input, context: context.eventContext)
                return Flash(kind: .success, message: "\(saved.label) was saved.").redirect(to: "/admin/custom-fields")
            } catch let error as APIError where error.status.code < 500 {
                return fieldPage(request, context, field, form: form, error: error)
            }
        }
    }

    /// The create and settings form, every field as text; empty means "not given".
    struct FieldForm: Decodable {
        var entityType = ""
        var species = ""
        var key = ""
        var label = ""
        var kind = ""
        var unit = ""
        /// One option per line.
        var choices = ""
        var required: String?
        var minimum = ""
        var maximum = ""
        var maxLength = ""
        var position = ""
        var archived: String?

        enum CodingKeys: String, CodingKey {
            case species, key, label, kind, unit, choices, required, minimum, maximum, position, archived
            case entityType = "entity_type"
            case maxLength = "max_length"
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func text(_ key: CodingKeys) throws -> String {
                try container.decodeIfPresent(String.self, forKey: key) ?? ""
            }
            (entityType, species, key, label, kind) = (
                try text(.entityType), try text(.species), try text(.key), try text(.label), try text(.kind)
            )
            (unit, choices, minimum, maximum) = (
                try text(.unit), try text(.choices), try text(.minimum), try text(.maximum)
            )
            (maxLength, position) = (try text(.maxLength), try text(.position))
            required = try container.decodeIfPresent(String.self, forKey: .required)
            archived = try container.decodeIfPresent(String.self, forKey: .archived)
        }

        init() {}

        init(_ field: CustomField) {
            (entityType, species, key, label, kind) = (
                field.entityType.rawValue, field.species ?? "", field.key, field.label, field.kind.rawValue
            )
            (unit, choices, required) = (field.unit, field.choices, field.required ? "true" : nil)
            minimum = field.minimum.map(JSONText.number) ?? ""
            maximum = field.maximum.map(JSONText.number) ?? ""
            (maxLength, position, archived) = (
                String(field.maxLength), String(field.position), field.archived ? "true" : nil
            )
        }

        /// The store's input: the settings of the field's kind only, so switching the kind on a
        /// new field leaves nothing of another kind behind.
        func input(creating: Bool) throws -> CustomFieldStore.Input {
            func decimal(_ text: String, _ field: String) throws -> Double? {
                guard !text.isEmpty else { return nil }
                guard let value = Double(text.replacingOccurrences(of: ",", with: ".")) else {
                    throw APIError.validationFailed("Enter a number.", field: field)
                }
                return value
            }
            func integer(_ text: String, _ field: String) throws -> Int? {
                guard !text.isEmpty else { return nil }
                guard let value = Int(text) else {
                    throw APIError.validationFailed("Enter a whole number.", field: field)
                }
                return value
            }
            let kind = CustomField.Kind(rawValue: self.kind)
            let number = kind == .number
            var (low, high, length): (Double?, Double?, Int?) = (nil, nil, nil)
            if number { (low, high) = (try decimal(minimum, "minimum"), try decimal(maximum, "maximum")) }
            if kind == .text { length = try integer(maxLength, "max_length") }
            return CustomFieldStore.Input(
                entityType: creating ? entityType : nil, species: creating && !species.isEmpty ? species : nil,
                key: creating ? key : nil, label: label, kind: creating ? self.kind : nil,
                unit: number ? unit : nil,
                choices: kind == .choice
                    ? choices.split(whereSeparator: \.isNewline).map(String.init).filter {
                        !$0.trimmingCharacters(in: .whitespaces).isEmpty
                    } : nil,
                required: required == "true", minimum: low, maximum: high, maxLength: length,
                position: try integer(position, "position"))
        }
    }

    private func list(_ request: Request, _ context: AppRequestContext, form: FieldForm? = nil, error: APIError? = nil)
        async throws -> Response
    {
        let fields = try await store.list(entity: nil, includeArchived: true)
        let form = form ?? FieldForm()
        return pages.page(
            "administration/custom-fields", title: "Custom fields", section: "system", request: request,
            context: context,
            model: ListPage(
                fields: fields.map(ListPage.Row.init), empty: fields.isEmpty,
                form: FormValues(form, species: store.species), error: error?.message),
            status: error?.httpStatus ?? .ok)
    }

    private func fieldPage(
        _ request: Request, _ context: AppRequestContext, _ field: CustomField, form: FieldForm, error: APIError?
    ) -> Response {
        pages.page(
            "administration/custom-field", title: "Custom field: \(field.label)", section: "system", request: request,
            context: context,
            model: FieldPage(
                id: field.id ?? 0, row: ListPage.Row(field), form: FormValues(form, species: store.species),
                error: error?.message),
            status: error?.httpStatus ?? .ok)
    }

    /// The form's values and menus.
    struct FormValues: Encodable {
        let entityTypes: [Choice]
        let species: [Choice]
        let kinds: [Choice]
        let key: String
        let label: String
        let unit: String
        let choices: String
        let required: Bool
        let minimum: String
        let maximum: String
        let maxLength: String
        let position: String
        let archived: Bool

        init(_ form: FieldForm, species: [String]) {
            entityTypes = Choice.list(CustomField.Entity.allCases.map(\.rawValue), selected: form.entityType)
            self.species = Choice.list(species, selected: form.species)
            kinds = Choice.list(CustomField.Kind.allCases.map(\.rawValue), selected: form.kind)
            (key, label, unit, choices) = (form.key, form.label, form.unit, form.choices)
            (minimum, maximum, maxLength, position) = (form.minimum, form.maximum, form.maxLength, form.position)
            (required, archived) = (form.required == "true", form.archived == "true")
        }
    }

    /// `administration/custom-fields.mustache`.
    struct ListPage: Encodable {
        struct Row: Encodable {
            let id: Int64
            let entityType: String
            let species: String
            let key: String
            let label: String
            let kind: String
            let rules: String
            let archived: Bool

            init(_ field: CustomField) {
                (id, entityType, species, key, label, kind) = (
                    field.id ?? 0, field.entityType.rawValue, field.species ?? "all", field.key, field.label,
                    field.kind.rawValue
                )
                var rules: [String] = field.required ? ["required"] : []
                switch field.kind {
                case .text: rules.append("up to \(field.maxLength) characters")
                case .number:
                    if let minimum = field.minimum { rules.append("≥ \(JSONText.number(minimum))") }
                    if let maximum = field.maximum { rules.append("≤ \(JSONText.number(maximum))") }
                    if !field.unit.isEmpty { rules.append(field.unit) }
                case .choice: rules.append(field.options.joined(separator: " / "))
                case .date: break
                }
                self.rules = rules.joined(separator: ", ")
                archived = field.archived
            }
        }
        let fields: [Row]
        let empty: Bool
        let form: FormValues
        let error: String?
    }

    /// `administration/custom-field.mustache`: one field's settings.
    struct FieldPage: Encodable {
        let id: Int64
        let row: ListPage.Row
        let form: FormValues
        let error: String?
    }
}
