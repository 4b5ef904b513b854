import Hummingbird

/// A short list as the API returns it: `{"items":[…]}` (a record's history, newest first; its
/// signatures; its genotypes).
package struct ItemList<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    package let items: [Item]

    package init(items: [Item]) {
        self.items = items
    }
}
