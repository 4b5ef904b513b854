import Biobank

/// A labelled figure in a page's facts list.
struct ReproductionFact: Encodable {
    let label: String
    let value: String
}

/// A container with free positions that straws can go into, as a form's choice.
struct StrawContainerOption: Encodable {
    let id: Int64
    let address: String
    let free: Int

    init(_ choice: StorageStore.ContainerChoice) {
        id = choice.id
        address = choice.address
        free = choice.free
    }
}

extension String {
    /// Nil when empty: this Mustache renders `{{#x}}` for "" too.
    var nonEmpty: String? { isEmpty ? nil : self }
}
