import Biobank
import Crypto
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

@Suite struct AuditTests {
    @Test func eventsCarryWhoWhenWhatAndChainTogether() async throws {
        let (server, _) = try await serverWithSamples(3)
        let events = try await server.auditEvents()
        let created = events.filter { $0.action == "create" && $0.entityType == "sample" }
        #expect(created.count == 3)
        let event = try #require(created.first)
        #expect(event.actorType == .apiKey)
        #expect(event.actorId != nil)
        #expect(event.requestId.count == 32)
        #expect(event.at.hasSuffix("Z") && event.at.contains("."))
        #expect(AuditValue.decode(event.after)["external_id"] == .text("A-0"))
        #expect(event.before == nil)
        // A create writes its snapshot before the row has an id; it must still be the stored
        // row's canonical snapshot, or the next change's history would show phantom differences.
        let stored = try await server.services.database.pool.read { db in
            try created.map { try Sample.fetchOne(db, key: Int64($0.entityId))?.auditSnapshot }
        }
        #expect(stored == created.map(\.after))
        for (previous, next) in zip(events, events.dropFirst()) {
            #expect(next.prevHash == previous.hash)
            #expect(next.seq == previous.seq + 1)
        }
        let verification = try await server.verifyAudit()
        #expect(verification.isIntact)
        #expect(verification.count == events.count)
        #expect(verification.headHash == events.last?.hash)
    }

    @Test func triggersRefuseUpdateAndDelete() async throws {
        let (server, _) = try await serverWithSamples(1)
        for sql in ["UPDATE audit_events SET reason = 'x'", "DELETE FROM audit_events"] {
            #expect(throws: DatabaseError.self) { try server.services.database.pool.write { try $0.execute(sql: sql) } }
        }
        #expect(try await server.verifyAudit().isIntact)
    }

    /// Bypasses the triggers the way an attacker with file access would, and sees verify catch it.
    @Test(arguments: ["alter", "delete middle", "delete tail", "reorder hash"])
    func verifyFindsTampering(_ tampering: String) async throws {
        let (server, _) = try await serverWithSamples(5)
        let events = try await server.auditEvents()
        let middle = events[events.count / 2].seq
        try await server.services.database.write { db in
            try db.execute(sql: "DROP TRIGGER audit_events_append_only_update")
            try db.execute(sql: "DROP TRIGGER audit_events_append_only_delete")
            switch tampering {
            case "alter":
                try db.execute(
                    sql: "UPDATE audit_events SET after = replace(after, 'A-', 'B-') WHERE seq = ?", arguments: [middle]
                )
            case "delete middle":
                try db.execute(sql: "DELETE FROM audit_events WHERE seq = ?", arguments: [middle])
            case "delete tail":
                try db.execute(sql: "DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)")
            default:
                // A forger who rewrites one event and recomputes its own hash still breaks the next link.
                var event = try #require(try AuditEvent.fetchOne(db, key: middle))
                event.reason = "forged"
                event.hash = event.computedHash
                try event.update(db)
            }
        }
        let verification = try await server.verifyAudit()
        let broken = try #require(verification.broken)
        #expect(!verification.isIntact)
        switch tampering {
        case "alter": #expect(broken.seq == middle)
        case "delete middle": #expect(broken.seq == middle)
        case "delete tail": #expect(broken.seq == events.last?.seq)
        default: #expect(broken.seq == middle + 1)
        }

        // The command line says so too, and exits non-zero.
        try server.services.database.close()
        let result = try await LabBoxProcess.run(["audit", "verify", "--data", server.directory.path])
        #expect(result.status == 5)
        #expect(result.stdout.hasPrefix("BROKEN at event \(broken.seq)"))
        let check = try await LabBoxProcess.run(["check", "--data", server.directory.path])
        #expect(check.status == 5)
        #expect(check.stdout.contains("FAIL  audit_chain"))
    }

    @Test func verifyCommandPrintsCountAndHead() async throws {
        let (server, _) = try await serverWithSamples(2)
        let head = try await server.verifyAudit()
        try server.services.database.close()
        let result = try await LabBoxProcess.run(["audit", "verify", "--data", server.directory.path])
        #expect(result.status == 0)
        #expect(result.stdout == "OK \(head.count) events, head \(head.headHash)\n")
    }

    @Test func archiveSealsOldEventsAndTheChainStillVerifies() async throws {
        let (server, key) = try await serverWithSamples(4)
        let before = try await server.auditEvents()
        try server.services.database.close()
        let tomorrow = Date().addingTimeInterval(86_400).formatted(Date.ISO8601FormatStyle().year().month().day())
        let file = server.directory.path + "/backups/archive.jsonl"
        let archived = try await LabBoxProcess.run(
            ["audit", "archive", "--data", server.directory.path, "--before", tomorrow, "--to", file])
        #expect(archived.status == 0, "\(archived.stderr)")
        #expect(archived.stdout.contains("archived \(before.count) events"))

        let verify = try await LabBoxProcess.run(["audit", "verify", "--data", server.directory.path])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("(events up to \(before.last?.seq ?? 0) archived)"))
        let file1 = try await LabBoxProcess.run(["audit", "verify", "--archive", file])
        #expect(file1.status == 0)
        #expect(file1.stdout.contains("\(before.count) events"))

        // New writes continue the chain from the anchor.
        let reopened = try TestServer.reopen(server)
        try await reopened.test { client in
            let response = try await client.send(.post, "/api/v1/samples", auth: key, json: TestServer.sampleBody())
            #expect(response.status == .created)
        }
        let after = try await reopened.verifyAudit()
        #expect(after.isIntact)
        #expect(after.count == 2)  // the archive event and the new sample
        let anchor = try await reopened.services.database.read {
            try String.fetchOne($0, sql: "SELECT file_sha256 FROM audit_anchors")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(anchor == SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())

        // An edited archive file no longer verifies.
        try String(decoding: data, as: UTF8.self).replacingOccurrences(of: "A-1", with: "A-9")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let tampered = try await LabBoxProcess.run(["audit", "verify", "--archive", file])
        #expect(tampered.status == 5)
    }
}
