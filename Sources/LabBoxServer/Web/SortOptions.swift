/// The choices of a list page's "Sort" menu: oldest first (by id), then each column both ways.
package func sortOptions(_ labels: [String: String], current: ListOrder) -> [Choice] {
    [Choice(value: "", label: "oldest first", selected: current == .byID)]
        + labels.sorted { $0.key < $1.key }.flatMap { column, label in
            [false, true].map { descending in
                Choice(
                    value: (descending ? "-" : "") + column,
                    label: label + (descending ? ", Z–A / newest" : ", A–Z / oldest"),
                    selected: current == ListOrder(column: column, descending: descending))
            }
        }
}
