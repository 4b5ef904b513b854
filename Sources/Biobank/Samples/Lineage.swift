import Foundation
import GRDB
import Hummingbird

/// Where a sample came from and what was made of it: aliquots, derivatives and pools, both ways.
package struct Lineage: ResponseEncodable, Sendable {
    package final class Node: Encodable, Sendable {
        package let id: Int64
        package let externalId: String
        package let kind: String
        package let status: String
        package let relation: String
        /// Towards the ancestors: this sample's parents; towards the descendants: its children.
        package let links: [Node]

        package init(_ sample: Sample, relation: String, links: [Node]) {
            (id, externalId, kind, status) = (sample.id ?? 0, sample.externalId, sample.kind, sample.status.rawValue)
            self.relation = relation
            self.links = links
        }

        package enum CodingKeys: String, CodingKey {
            case id, kind, status, relation, links
            case externalId = "external_id"
        }
    }

    package let ancestors: [Node]
    package let descendants: [Node]

    private struct Link: FetchableRecord, Decodable {
        let childId: Int64
        let parentId: Int64
        let relation: String

        enum CodingKeys: String, CodingKey {
            case relation
            case childId = "child_id"
            case parentId = "parent_id"
        }
    }

    /// Up to `depth` generations each way.
    package static func load(_ db: Database, id: Int64, depth: Int = 10) throws -> Lineage {
        let links = try Link.fetchAll(
            db,
            sql: """
                WITH RECURSIVE
                    up(id, depth) AS (SELECT :id, 0 UNION SELECT l.parent_id, up.depth + 1 FROM sample_links l
                        JOIN up ON l.child_id = up.id WHERE up.depth < :depth),
                    down(id, depth) AS (SELECT :id, 0 UNION SELECT l.child_id, down.depth + 1 FROM sample_links l
                        JOIN down ON l.parent_id = down.id WHERE down.depth < :depth)
                SELECT * FROM sample_links WHERE child_id IN (SELECT id FROM up) OR parent_id IN (SELECT id FROM down)
                """, arguments: ["id": id, "depth": depth])
        let ids = Set(links.flatMap { [$0.childId, $0.parentId] })
        let samples = Dictionary(
            try Sample.filter(keys: Array(ids)).fetchAll(db).map { ($0.id ?? 0, $0) }
        ) { first, _ in first }
        func parents(of id: Int64, seen: Set<Int64>) -> [Node] {
            links.filter { $0.childId == id && !seen.contains($0.parentId) }.compactMap { link in
                samples[link.parentId].map {
                    Node($0, relation: link.relation, links: parents(of: link.parentId, seen: seen.union([id])))
                }
            }
        }
        func children(of id: Int64, seen: Set<Int64>) -> [Node] {
            links.filter { $0.parentId == id && !seen.contains($0.childId) }.compactMap { link in
                samples[link.childId].map {
                    Node($0, relation: link.relation, links: children(of: link.childId, seen: seen.union([id])))
                }
            }
        }
        return Lineage(ancestors: parents(of: id, seen: []), descendants: children(of: id, seen: []))
    }
}
