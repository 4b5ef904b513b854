import Biobank
import Foundation
import GRDB
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import Testing

/// TankReminders: the daily job that tells lab staff a tank's LN2 fill is overdue.
@Suite struct TankReminderTests {
    @Test func overdueTanksRemindLabStaffOnceADay() async throws {
        let server = try TestServer { $0.ln2FillDays = 7 }
        let technician = try await server.user(.technician)
        _ = try await server.user(.auditor)
        let tankID = try await server.services.database.write { db -> Int64 in
            var tank = StorageContainer(
                parentId: nil, kind: .tank, name: "Tank 3", rows: 0, columns: 0, notes: "",
                createdAt: Date().addingTimeInterval(-30 * 86_400), updatedAt: Date())
            try tank.insert(db)
            var fill = TankFill(
                containerId: tank.id ?? 0, filledAt: Date().addingTimeInterval(-9 * 86_400), levelAfterCm: 40,
                byName: "tech", notes: "")
            try fill.insert(db)
            return tank.id ?? 0
        }
        let kind = try #require(server.services.jobs.kind("storage.ln2_reminders"))
        for _ in 0..<2 {
            let job = try await server.services.jobs.enqueue(kind.type, by: nil, context: .server)
            _ = try await kind.run(
                JobExecution(job: job, database: server.services.database, dataDirectory: server.directory.path))
        }
        let notes = try await server.services.database.read { try Notification.fetchAll($0) }
        #expect(notes.count == 1)
        #expect(notes.first?.userId == technician.id)
        #expect(notes.first?.link == "/storage/\(tankID)")
        #expect(notes.first?.title == "LN2 fill overdue: Tank 3")
        let mail = try await server.services.database.read { try EmailMessage.fetchAll($0) }
        #expect(mail.map(\.recipient) == [technician.email])
    }
}
