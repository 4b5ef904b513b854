import Biobank
import Foundation
import GRDB
import Home
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// The home page: the signed-in person's work queue, each list only for whom may act on it.
@Suite struct HomeTests {
    /// A tank last filled nine days ago with a seven-day interval, filled at a known instant.
    private static func overdueTank(_ server: TestServer, filledAt: Date) async throws -> Int64 {
        try await server.services.database.write { db -> Int64 in
            var tank = StorageContainer(
                parentId: nil, kind: .tank, name: "Tank 3", rows: 0, columns: 0, notes: "",
                createdAt: Date().addingTimeInterval(-30 * 86_400), updatedAt: Date())
            try tank.insert(db)
            var fill = TankFill(
                containerId: tank.id ?? 0, filledAt: filledAt, levelAfterCm: 40, byName: "tech", notes: "")
            try fill.insert(db)
            return tank.id ?? 0
        }
    }

    private static func page(_ client: some TestClientProtocol, _ uri: String, _ session: BrowserSession)
        async throws -> String
    {
        let response = try await client.send(.get, uri, session: session)
        #expect(response.status == .ok)
        return String(buffer: response.body)
    }

    @Test func workQueueListsWhatIsDueAsLinksForWhoMayActOnIt() async throws {
        let server = try TestServer { $0.ln2FillDays = 7 }
        let tank = try await Self.overdueTank(server, filledAt: Date().addingTimeInterval(-9 * 86_400))
        let admin = try await server.signIn(.admin)
        let technician = try await server.signIn(.technician)
        try await server.test { client in
            let html = try await Self.page(client, "/", admin)
            #expect(html.contains("<title>Home · LabBox</title>"))
            #expect(html.contains("LN2 tanks due for a fill"))
            #expect(html.contains("<a href=\"/storage/\(tank)\">Tank 3</a>"))
            #expect(html.contains("class=\"alert\""))
            for section in ["pregnancy", "culture", "verify", "tanks", "unbilled", "changes"] {
                #expect(html.contains("id=\"queue-\(section)\""), "\(section)")
            }
            // A technician may not see money, nor everyone's changes.
            let own = try await Self.page(client, "/", technician)
            #expect(!own.contains("id=\"queue-unbilled\""))
            #expect(own.contains("Your recent changes"))
        }
    }

    @Test func emptyListsSayWhatToDoAndRaiseNoAlert() async throws {
        let server = try TestServer()
        let admin = try await server.signIn(.admin)
        try await server.test { client in
            let html = try await Self.page(client, "/", admin)
            #expect(html.contains("No pregnancy check is due."))
            #expect(html.contains("No IVF batch is in culture."))
            #expect(html.contains("Nothing to verify."))
            #expect(html.contains("Every tank was filled within its interval."))
            #expect(html.contains("All performed work is invoiced."))
            #expect(!html.contains("class=\"alert\""))
        }
    }

    @Test func pagesShowTimesOnTheLabsClockWithItsZone() async throws {
        let server = try TestServer {
            $0.ln2FillDays = 7
            $0.labTime = LabTime(zone: TimeZone(identifier: "America/Chicago")!)
        }
        // 18:00 UTC on 15 January is noon in Chicago (CST, UTC−6).
        let filled = try #require(Date(databaseText: "2026-01-15 18:00:00"))
        let tank = try await Self.overdueTank(server, filledAt: filled)
        let admin = try await server.signIn(.admin)
        try await server.test { client in
            let storage = try await Self.page(client, "/storage/\(tank)", admin)
            #expect(storage.contains("15 Jan 2026 at 12:00 CST"))
            #expect(!storage.contains("18:00"))
            let home = try await Self.page(client, "/", admin)
            #expect(home.contains("last filled 15 Jan 2026 at 12:00 CST"))
        }
    }

    @Test func cultureDaysCallForTheirChecksUntilRecorded() {
        #expect(WorkQueue.check(day: 2, checked: []) == ": cleavage check due")
        #expect(WorkQueue.check(day: 3, checked: [2]) == "")
        #expect(WorkQueue.check(day: 7, checked: [2]) == ": blastocyst check due")
        #expect(WorkQueue.check(day: 5, checked: []) == "")
    }
}
