import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Reports
import Testing

/// Saved report definitions, each person's own or shared, and the scheduled ones emailed through
/// the outbox (issue 25, item 6).
@Suite struct SavedReportsTests {
    @Test func definitionsAreEachPersonsOwnOrSharedAndOnlyTheOwnerChangesThem() async throws {
        let server = try TestServer()
        try await ReportsOverTimeTests.reproductionRecords(server)
        let director = try await server.signIn(.director)
        let technician = try await server.signIn(.technician)
        try await server.test { client in
            let saved = try await client.postJSON(
                "/api/v1/saved-reports", session: director,
                ["name": "Sire league", "report": "reproduction", "grouping": "sire", "range_preset": "last-3-months"])
            let id = try #require(saved["id"] as? Int)
            #expect(saved["shared"] as? Bool == false)
            for (body, field) in [
                (["name": "X", "report": "reproduction", "grouping": "tank"], "grouping"),
                (["name": "X", "report": "sales"], "report"),
                (["name": "", "report": "results"], "name"),
                (["name": "X", "report": "results", "range_preset": "forever"], "range_preset"),
                (["name": "X", "report": "results", "schedule": "weekly"], "recipients"),
                (
                    ["name": "X", "report": "results", "schedule": "weekly", "recipients": ["not-an-address"]],
                    "recipients"
                ),
            ] as [([String: Any], String)] {
                let refused = try await client.send(.post, "/api/v1/saved-reports", session: director, json: body)
                #expect(refused.status == .unprocessableContent, "\(body)")
                #expect(try refused.apiError()["field"] as? String == field, "\(body)")
            }
            // Private: the technician neither lists nor reads it.
            let listed = try await client.send(.get, "/api/v1/saved-reports", session: technician).json()
            #expect((listed["items"] as? [[String: Any]])?.isEmpty == true)
            #expect(try await client.send(.get, "/api/v1/saved-reports/\(id)", session: technician).status == .notFound)
            // Shared: listed for the technician, who may not change or delete it.
            let shared = try await client.send(
                .patch, "/api/v1/saved-reports/\(id)", session: director, json: ["shared": true])
            #expect(shared.status == .ok)
            let seen = try await client.send(.get, "/api/v1/saved-reports", session: technician).json()
            #expect((seen["items"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Sire league"])
            #expect(
                try await client.send(.delete, "/api/v1/saved-reports/\(id)", session: technician).status == .forbidden)
            #expect(
                try await client.send(.patch, "/api/v1/saved-reports/\(id)", session: technician, json: ["name": "Y"])
                    .status == .forbidden)
            let csv = try await client.send(.get, "/api/v1/saved-reports/\(id)/export", session: technician)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.text.contains("Sire,Rank,OPU sessions"))
            let page = try await client.send(.get, "/reports", session: technician)
            #expect(page.text.contains("href=\"/reproduction/stats?range=last-3-months&amp;by=sire\">Sire league</a>"))
            #expect(!page.text.contains("/reports/\(id)/delete"))
            let own = try await client.send(.get, "/reports", session: director)
            #expect(own.text.contains("/reports/\(id)/delete"))
            #expect(
                try await client.send(.delete, "/api/v1/saved-reports/\(id)", session: director).status == .noContent)
        }
        let actions = try await server.auditEvents().filter { $0.entityType == "saved_report" }.map(\.action)
        #expect(actions == ["create", "update", "delete"])
    }

    @Test func aScheduledReportIsQueuedInTheOutboxWithCSVAndHTMLOncePerPeriod() async throws {
        let server = try TestServer()
        try await ReportsOverTimeTests.reproductionRecords(server)
        let director = try await server.signIn(.director)
        try await server.test { client in
            _ = try await client.postJSON(
                "/api/v1/saved-reports", session: director,
                [
                    "name": "Monthly results", "report": "results", "schedule": "monthly",
                    "recipients": ["director@farm.example", "vet@farm.example"],
                ])
            _ = try await client.postJSON(
                "/api/v1/saved-reports", session: director, ["name": "Not emailed", "report": "inventory"])
        }
        let mail = ReportMail(database: server.services.database, pages: server.services.pages)
        #expect(try await mail.sendDue(context: .commandLine) == 1)
        #expect(try await mail.sendDue(context: .commandLine) == 0)
        let queued = try await server.services.database.read { try EmailMessage.order(Column("id")).fetchAll($0) }
        #expect(queued.map(\.recipient) == ["director@farm.example", "vet@farm.example"])
        #expect(queued.first?.subject.hasPrefix("Monthly results: ") == true)
        #expect(
            queued.first?.attachments.map(\.contentType) == ["text/csv; charset=utf-8", "text/html; charset=utf-8"])
        let csv = String(decoding: queued.first?.attachments.first?.content ?? Data(), as: UTF8.self)
        #expect(csv.contains("Month,Received,Verified,Median turnaround (h)"))
        let sends = try await server.auditEvents().filter {
            $0.entityType == "saved_report" && $0.action == "saved_report.send"
        }
        #expect(sends.count == 1)
    }
}
