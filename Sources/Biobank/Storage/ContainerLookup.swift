import Foundation
import GRDB
import LabBoxServer

extension StorageStore {
    /// Containers for a picker, by address: every word must start a word of the address
    /// (`tank 3 g1` finds `Tank 3 / C2 / G1`), and a container whose id or whole address is
    /// exactly `words` comes first. A lab has hundreds of containers, not millions, so the
    /// addresses are built from one read of them all.
    package func lookup(_ words: String) async throws -> ItemList<Lookup.Match> {
        let containers = try await database.read { db in try StorageContainer.fetchAll(db) }
        let byID = Dictionary(uniqueKeysWithValues: containers.compactMap { c in c.id.map { ($0, c) } })
        func address(_ container: StorageContainer) -> String {
            var names = [container.name]
            var next = container.parentId
            while let id = next, let parent = byID[id], names.count < 10 {
                names.insert(parent.name, at: 0)
                next = parent.parentId
            }
            return names.joined(separator: " / ")
        }
        let wanted = words.lowercased().split(separator: " ").filter { $0 != "/" }
        var exact: [Lookup.Match] = []
        var others: [Lookup.Match] = []
        for (container, path) in containers.map({ ($0, address($0)) }).sorted(by: { $0.1 < $1.1 }) {
            let detail =
                container.capacity > 0
                ? "\(container.kind.rawValue), \(container.capacity) positions" : container.kind.rawValue
            let match = { (exact: Bool) in
                Lookup.Match(id: container.id ?? 0, label: path, detail: detail, exact: exact)
            }
            if container.id == Lookup.id(words) || path.caseInsensitiveCompare(words) == .orderedSame {
                exact.append(match(true))
            } else {
                let pathWords = path.lowercased().split(whereSeparator: { $0 == " " || $0 == "/" })
                if wanted.allSatisfy({ word in pathWords.contains { $0.hasPrefix(word) } }) {
                    others.append(match(false))
                }
            }
        }
        return Lookup.ranked(exact: exact, others: others)
    }
}
