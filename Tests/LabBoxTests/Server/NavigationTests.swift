import Foundation
import HummingbirdTesting
import LabBoxServer
import Testing

/// The main navigation: seven sections at most, only what the role may open, the open section's
/// pages, and a breadcrumb trail below them (issue 25).
@Suite struct NavigationTests {
    /// The labels of the links in the `<nav>` named `name`, in order.
    private func links(in html: String, nav name: String) -> [String] {
        guard let start = html.range(of: "<nav aria-label=\"\(name)\""),
            let end = html.range(of: "</nav>", range: start.upperBound..<html.endIndex)
        else { return [] }
        return html[start.upperBound..<end.lowerBound].components(separatedBy: "<a ").dropFirst().compactMap {
            $0.split(separator: ">", maxSplits: 1).last?.components(separatedBy: "</a").first
        }
    }

    @Test func eachRoleSeesTheSectionsItMayOpen() async throws {
        let server = try TestServer()
        let admin = try await server.signIn(.admin)
        let technician = try await server.signIn(.technician)
        let auditor = try await server.signIn(.auditor)
        try await server.test { client in
            let forAdmin = try await client.send(.get, "/", session: admin).text
            #expect(
                links(in: forAdmin, nav: "Main") == [
                    "Home", "Clients", "Lab", "Reproduction", "Results", "Billing", "Admin",
                ])
            let forTechnician = try await client.send(.get, "/", session: technician).text
            // Technicians see no money: no Billing section.
            #expect(links(in: forTechnician, nav: "Main") == ["Home", "Clients", "Lab", "Reproduction", "Results"])
            // An auditor reads the audit trail, who viewed whose data and security events but manages
            // no users: the Admin section opens on the first page they may use, and lists only those.
            let forAuditor = try await client.send(.get, "/admin/audit", session: auditor).text
            #expect(forAuditor.contains("<a href=\"/admin/audit\" aria-current=\"page\">Admin</a>"))
            #expect(links(in: forAuditor, nav: "Section") == ["Audit trail", "Privacy", "Security events"])
        }
    }

    @Test func theOpenSectionListsItsPagesAndMarksTheCurrentOne() async throws {
        let server = try TestServer()
        let admin = try await server.signIn(.admin)
        try await server.test { client in
            let catalog = try await client.send(.get, "/results/catalog", session: admin).text
            #expect(catalog.contains("<a href=\"/results\" aria-current=\"true\">Results</a>"))
            #expect(links(in: catalog, nav: "Section") == ["Lab orders", "Genomics", "Test catalog", "Statistics"])
            #expect(catalog.contains("<a href=\"/results/catalog\" aria-current=\"page\">Test catalog</a>"))
            #expect(links(in: catalog, nav: "Breadcrumb").isEmpty)
            // Home holds the person's own work: their tasks and the lab's board.
            let home = try await client.send(.get, "/", session: admin).text
            #expect(links(in: home, nav: "Section") == ["Home", "My tasks", "Task board"])
            #expect(home.contains("<a href=\"/\" aria-current=\"page\">Home</a>"))
            let board = try await client.send(.get, "/tasks/board", session: admin).text
            #expect(board.contains("<a href=\"/tasks/board\" aria-current=\"page\">Task board</a>"))
        }
    }

    @Test func aRecordShowsTheTrailAboveIt() async throws {
        let server = try TestServer()
        let admin = try await server.signIn(.admin)
        let key = try await server.apiKey(["admin"])
        try await server.test { client in
            let sample = try await client.newSample(auth: key)
            let page = try await client.send(.get, "/samples/\(sample)", session: admin).text
            #expect(links(in: page, nav: "Breadcrumb") == ["Samples"])
            #expect(page.contains("<a href=\"/samples\" aria-current=\"true\">Samples</a>"))
            // Storage puts the containers above a goblet into the trail.
            func container(_ body: [String: Any]) async throws -> Int {
                try #require(
                    try await client.send(.post, "/api/v1/storage/containers", auth: key, json: body).json()["id"]
                        as? Int)
            }
            let tank = try await container(["kind": "tank", "name": "Tank 3"])
            let canister = try await container(["kind": "canister", "name": "C2", "parent_id": tank])
            let goblet = try await container(["kind": "goblet", "name": "G1", "parent_id": canister, "columns": 4])
            let storage = try await client.send(.get, "/storage/\(goblet)", session: admin).text
            #expect(links(in: storage, nav: "Breadcrumb") == ["Storage", "Tank 3", "C2"])
            #expect(storage.contains("<title>G1 · LabBox</title>"))
        }
    }
}
