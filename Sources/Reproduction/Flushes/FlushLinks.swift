import GRDB
import LabBoxServer

extension RecordLinks {
    /// A donor's flushes and OPU sessions together, newest first, each with its yield: what
    /// breeders ask about a donor. Her reproduction page has all of them and the chart over time.
    package static let animalDonorSessions = RecordLinks(
        key: "donor-sessions", title: "Flushes and OPU sessions", permission: .reproductionRead,
        seeAll: { "/reproduction/animals/\($0)" },
        load: { db, id, limit, _ in
            let total =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT (SELECT count(*) FROM flushes WHERE donor_id = ?1)
                             + (SELECT count(*) FROM opu_sessions WHERE donor_id = ?1)
                        """, arguments: [id]) ?? 0
            let items = try DonorHistory.sessions(db, donor: id, limit: limit).map { session in
                Item(href: session.href, label: session.label, detail: "\(session.day) · \(session.yield)")
            }
            return (total, items)
        })
}

/// A donor's flushes and OPU sessions with their yields, for her panel, her page and its chart.
package enum DonorHistory {
    package struct Session: Sendable {
        package let kind: String
        package let id: Int64
        package let day: String
        /// Flush: structures recovered; OPU: oocytes.
        package let recovered: Int
        /// Flush: transferable embryos (quality 1–3); OPU: oocytes of grades I–III.
        package let usable: Int

        package var isFlush: Bool { kind == "flush" }
        package var href: String { isFlush ? "/flushes/\(id)" : "/reproduction?tab=opu" }
        package var label: String { isFlush ? "Flush #\(id)" : "OPU #\(id)" }
        package var yield: String {
            isFlush ? "\(recovered) recovered, \(usable) transferable" : "\(recovered) oocytes, \(usable) usable"
        }
    }

    /// The newest `limit` sessions of `donor`, both kinds, newest first.
    package static func sessions(_ db: Database, donor: Int64, limit: Int) throws -> [Session] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT 'flush' AS kind, f.id, f.flushed_on AS day, f.recovered,
                       (SELECT count(*) FROM embryos e WHERE e.flush_id = f.id AND e.grade < 4) AS usable
                FROM flushes f WHERE f.donor_id = ?1
                UNION ALL
                SELECT 'opu', o.id, o.performed_on, o.oocytes,
                       CASE WHEN o.grade_1 + o.grade_2 + o.grade_3 + o.grade_4 + o.degenerate = 0 THEN o.oocytes
                            ELSE o.grade_1 + o.grade_2 + o.grade_3 END
                FROM opu_sessions o WHERE o.donor_id = ?1
                ORDER BY day DESC, id DESC LIMIT ?2
                """, arguments: [donor, limit]
        ).map { row in
            Session(
                kind: row["kind"], id: row["id"], day: row["day"], recovered: row["recovered"], usable: row["usable"])
        }
    }
}
