/// One choice of a menu, a group of radio buttons or a tab row, as page models embed it: the
/// template reads `{{value}}`, `{{label}}` where the choice shows one, and `{{#selected}}`.
package struct Choice: Encodable, Equatable, Sendable {
    package let value: String
    package let label: String?
    package let selected: Bool

    package init(value: String, label: String? = nil, selected: Bool = false) {
        self.value = value
        self.label = label
        self.selected = selected
    }

    /// One choice per value, the one equal to `selected` selected.
    package static func list(_ values: [String], selected: String?) -> [Choice] {
        values.map { Choice(value: $0, selected: $0 == selected) }
    }
}

/// `import.mustache`: the CSV import page of a resource, which posts to its import API.
package struct ImportPage: Encodable, Sendable {
    package let noun: String
    package let api: String

    package init(noun: String, api: String) {
        self.noun = noun
        self.api = api
    }
}
