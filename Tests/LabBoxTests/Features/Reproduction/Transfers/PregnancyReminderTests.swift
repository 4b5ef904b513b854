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

/// PregnancyReminders: the daily job that tells lab staff a transfer's pregnancy check is due.
@Suite struct PregnancyReminderTests {
    /// A transfer 30 days old without a diagnosis is due (bovine: 23 days); the reminder goes to
    /// each of the lab staff (here the technician and the director) once, however often it runs.
    @Test func pregnancyChecksDueAreRemindedOnceADay() async throws {
        let server = try TestServer()
        let technician = try await server.user(.technician)
        let key = try await server.apiKey(TestServer.reproductionScopes)
        let director = try await server.signIn(.director)
        try await server.test { client in
            let donor = try await client.newAnimal(auth: key, name: "Daisy")
            let sire = try await client.newAnimal(auth: key, name: "Bruno", sex: "male")
            let recipient = try await client.newAnimal(auth: key, name: "Rosie")
            let embryo = try #require(
                try await client.postJSON(
                    "/api/v1/embryos", auth: key,
                    ["donor_id": donor, "sire_id": sire, "day": 7, "embryos": [["stage": 7, "grade": 1]]]
                )["items"] as? [[String: Any]])
            _ = try await client.postJSON(
                "/api/v1/transfers", session: director,
                [
                    "recipient_id": recipient, "embryo_ids": [embryo.first?["id"] as? Int ?? 0],
                    "transferred_on": Day.adding(-30, to: Day.today) ?? "",
                    "witness": ["email": technician.email, "password": TestServer.password],
                ])
        }
        let kind = try #require(server.services.jobs.kind("reproduction.pregnancy_reminders"))
        for _ in 0..<2 {
            let job = try await server.services.jobs.enqueue(kind.type, by: nil, context: .server)
            _ = try await kind.run(
                JobExecution(job: job, database: server.services.database, dataDirectory: server.directory.path))
        }
        let notes = try await server.services.database.read { try Notification.fetchAll($0) }
        #expect(notes.map(\.title).sorted() == ["Pregnancy check due: Rosie", "Pregnancy check due: Rosie"])
        #expect(notes.allSatisfy { $0.link == "/reproduction/transfers/1" })
    }
}
