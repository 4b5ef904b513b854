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

/// The audit trail is complete: a rule over the whole route table, not one feature's.
@Suite struct AuditedRoutesTests {
    /// Every API route that writes leaves its audit event in the same transaction.
    @Test func everyWritingAPIRouteIsAudited() async throws {
        // One client sends every request, so the rate limit stands aside (as in the matrix tests).
        let server = try TestServer { config in
            config.publicURL = "https://labbox.clinic.example"
            config.labApprovalNumber = "EU-ET-017"
            config.requestsPerSecond = 1_000_000
            config.requestBurst = 1_000_000
        }
        let admin = try await server.user(.admin)
        let adminKey = try await server.apiKey(["admin"])
        let session = try await server.signIn(.admin)
        try await server.test { client in
            var checked: Set<String> = []
            func expectAudited(
                _ route: String, action: String, _ request: () async throws -> TestResponse
            ) async throws -> TestResponse {
                let before = try await server.auditEvents().last?.seq ?? 0
                let response = try await request()
                #expect(response.status.code < 300, "\(route): \(response.text)")
                let new = try await server.auditEvents().filter { $0.seq > before }
                #expect(new.contains { $0.action == action }, "\(route) → \(new.map(\.action))")
                checked.insert(route)
                return response
            }
            try await step("users, API keys and tokens") {
                let user = try await expectAudited("POST /api/v1/users", action: "create") {
                    try await client.send(
                        .post, "/api/v1/users", auth: adminKey,
                        json: [
                            "email": "new@lab.example", "display_name": "New", "role": "technician",
                            "password": TestServer.password,
                        ])
                }
                let userID = try #require(try user.json()["id"] as? Int)
                _ = try await expectAudited("PATCH /api/v1/users/{id}", action: "update") {
                    try await client.send(
                        .patch, "/api/v1/users/\(userID)", auth: adminKey, json: ["role": "director"])
                }
                _ = try await expectAudited(
                    "POST /api/v1/users/{id}/revoke-sessions", action: "security.session.revoked"
                ) {
                    try await client.send(.post, "/api/v1/users/\(userID)/revoke-sessions", auth: adminKey)
                }
                _ = try await expectAudited(
                    "POST /api/v1/users/{id}/reset-link", action: "security.user.password_reset"
                ) {
                    try await client.send(.post, "/api/v1/users/\(userID)/reset-link", auth: adminKey)
                }
                let key = try await expectAudited("POST /api/v1/apikeys", action: "create") {
                    try await client.send(
                        .post, "/api/v1/apikeys", session: session, json: ["name": "lims", "scopes": ["samples:read"]])
                }
                let keyID = try #require((try key.json()["key"] as? [String: Any])?["id"] as? Int)
                _ = try await expectAudited("DELETE /api/v1/apikeys/{id}", action: "revoke") {
                    try await client.send(.delete, "/api/v1/apikeys/\(keyID)", session: session)
                }
                let token = try await expectAudited("POST /api/v1/auth/token", action: "token.issue") {
                    try await client.send(
                        .post, "/api/v1/auth/token", json: ["email": admin.email, "password": TestServer.password])
                }
                let refresh = try #require(try token.json()["refresh_token"] as? String)
                _ = try await expectAudited("POST /api/v1/auth/refresh", action: "token.issue") {
                    try await client.send(.post, "/api/v1/auth/refresh", json: ["refresh_token": refresh])
                }
                _ = try await expectAudited(
                    "POST /api/v1/auth/password-reset", action: "security.user.password_reset_requested"
                ) {
                    try await client.send(.post, "/api/v1/auth/password-reset", json: ["email": admin.email])
                }
            }
            let sampleID = try await step("samples and their signatures") {
                let sample = try await expectAudited("POST /api/v1/samples", action: "create") {
                    try await client.send(.post, "/api/v1/samples", auth: adminKey, json: TestServer.sampleBody())
                }
                let sampleID = try #require(try sample.json()["id"] as? Int)
                _ = try await expectAudited("PATCH /api/v1/samples/{id}", action: "update") {
                    try await client.send(
                        .patch, "/api/v1/samples/\(sampleID)", auth: adminKey, json: ["notes": "x", "reason": "typo"])
                }
                _ = try await expectAudited("POST /api/v1/samples/{id}/signatures", action: "sign") {
                    try await client.send(
                        .post, "/api/v1/samples/\(sampleID)/signatures", session: session,
                        json: ["meaning": "reviewed", "password": TestServer.password])
                }
                return sampleID
            }
            try await step("customers, deleted and restored") {
                let customer = try await expectAudited("POST /api/v1/customers", action: "create") {
                    try await client.send(.post, "/api/v1/customers", auth: adminKey, json: ["name": "Stud Farm"])
                }
                let customerID = try #require(try customer.json()["id"] as? Int)
                _ = try await expectAudited("PATCH /api/v1/customers/{id}", action: "update") {
                    try await client.send(
                        .patch, "/api/v1/customers/\(customerID)", auth: adminKey, json: ["city": "Celle"])
                }
                _ = try await expectAudited("DELETE /api/v1/customers/{id}", action: "delete") {
                    try await client.send(.delete, "/api/v1/customers/\(customerID)", auth: adminKey)
                }
                _ = try await expectAudited("POST /api/v1/customers/{id}/restore", action: "restore") {
                    try await client.send(.post, "/api/v1/customers/\(customerID)/restore", auth: adminKey)
                }
            }
            try await step("animals, changed in bulk, deleted and restored") {
                let animal = try await expectAudited("POST /api/v1/animals", action: "create") {
                    try await client.send(.post, "/api/v1/animals", auth: adminKey, json: ["species": "bovine"])
                }
                let animalID = try #require(try animal.json()["id"] as? Int)
                _ = try await expectAudited("PATCH /api/v1/animals/{id}", action: "animal.identifiers") {
                    try await client.send(
                        .patch, "/api/v1/animals/\(animalID)", auth: adminKey,
                        json: ["identifiers": [["type": "microchip", "value": "276098106543210"]]])
                }
                _ = try await expectAudited("POST /api/v1/animals/bulk", action: "update") {
                    try await client.send(
                        .post, "/api/v1/animals/bulk", auth: adminKey,
                        json: ["ids": [animalID], "status": "sold", "reason": "r"])
                }
                _ = try await expectAudited("DELETE /api/v1/animals/{id}", action: "delete") {
                    try await client.send(.delete, "/api/v1/animals/\(animalID)", auth: adminKey)
                }
                _ = try await expectAudited("POST /api/v1/animals/{id}/restore", action: "restore") {
                    try await client.send(.post, "/api/v1/animals/\(animalID)/restore", auth: adminKey)
                }
            }
            try await step("storage: containers, fills, check-in, moves and check-out") {
                let freezer = try await expectAudited("POST /api/v1/storage/containers", action: "create") {
                    try await client.send(
                        .post, "/api/v1/storage/containers", auth: adminKey, json: ["kind": "freezer", "name": "F"])
                }
                let freezerID = try #require(try freezer.json()["id"] as? Int)
                let boxID = try #require(
                    try await client.send(
                        .post, "/api/v1/storage/containers", auth: adminKey,
                        json: ["kind": "box", "name": "B1", "rows": 2, "columns": 2, "parent_id": freezerID]
                    ).json()["id"] as? Int)
                let tankID = try #require(
                    try await client.send(
                        .post, "/api/v1/storage/containers", auth: adminKey, json: ["kind": "tank", "name": "T"]
                    )
                    .json()["id"] as? Int)
                _ = try await expectAudited("POST /api/v1/storage/containers/{id}/fills", action: "storage.fill") {
                    try await client.send(
                        .post, "/api/v1/storage/containers/\(tankID)/fills", auth: adminKey, json: ["litres": 20])
                }
                _ = try await expectAudited("POST /api/v1/storage/check-in", action: "storage.check_in") {
                    try await client.send(
                        .post, "/api/v1/storage/check-in", auth: adminKey,
                        json: ["sample_id": sampleID, "container_id": boxID, "position": 1])
                }
                _ = try await expectAudited("POST /api/v1/storage/move", action: "storage.move") {
                    try await client.send(
                        .post, "/api/v1/storage/move", auth: adminKey,
                        json: ["sample_id": sampleID, "container_id": boxID, "position": 2, "reason": "r"])
                }
                _ = try await expectAudited("POST /api/v1/storage/moves", action: "storage.move") {
                    try await client.send(
                        .post, "/api/v1/storage/moves", auth: adminKey,
                        json: [
                            "reason": "r", "moves": [["sample_id": sampleID, "container_id": boxID, "position": 3]],
                        ])
                }
                _ = try await expectAudited("POST /api/v1/storage/check-out", action: "storage.check_out") {
                    try await client.send(
                        .post, "/api/v1/storage/check-out", auth: adminKey,
                        json: ["sample_id": sampleID, "reason": "shipment"])
                }
            }
            try await step("CSV imports") {
                _ = try await expectAudited("POST /api/v1/samples/import", action: "sample.import") {
                    try await client.sendCSV(
                        "/api/v1/samples/import", auth: adminKey,
                        "external_id,species,kind,collected_at\r\nCSV-1,bovine,dna,2026-01-02\r\n")
                }
                _ = try await expectAudited("POST /api/v1/customers/import", action: "customer.import") {
                    try await client.sendCSV("/api/v1/customers/import", auth: adminKey, "name\r\nImported Farm\r\n")
                }
                _ = try await expectAudited("POST /api/v1/animals/import", action: "animal.import") {
                    try await client.sendCSV("/api/v1/animals/import", auth: adminKey, "species\r\novine\r\n")
                }
                // Dry runs write nothing.
                checked.formUnion(
                    ["/samples", "/customers", "/animals", "/services"].map { "POST /api/v1\($0)/import/check" })
            }
            try await step("bulk sample changes and lifting an IP block") {
                _ = try await expectAudited("POST /api/v1/samples/bulk", action: "update") {
                    try await client.send(
                        .post, "/api/v1/samples/bulk", auth: adminKey,
                        json: ["ids": [sampleID], "notes": "bulk", "reason": "r"])
                }
                try await server.services.ipBlocks.block("203.0.113.9", for: 60, reason: "test", event: .commandLine)
                _ = try await expectAudited("DELETE /api/v1/ip-blocks/{ip}", action: "security.ip.unblocked") {
                    try await client.send(.delete, "/api/v1/ip-blocks/203.0.113.9", auth: adminKey)
                }
            }
            try await step("schedules, jobs, backups and the outbox") {
                try await server.services.scheduler.prepare(now: Date())
                _ = try await expectAudited("PATCH /api/v1/schedules/{name}", action: "update") {
                    try await client.send(
                        .patch, "/api/v1/schedules/retention", auth: adminKey, json: ["cron": "0 4 * * *"])
                }
                _ = try await expectAudited("POST /api/v1/schedules/{name}/run", action: "start") {
                    try await client.send(.post, "/api/v1/schedules/retention/run", auth: adminKey)
                }
                let export = try await expectAudited("POST /api/v1/samples/export-jobs", action: "start") {
                    try await client.send(.post, "/api/v1/samples/export-jobs?species=bovine", auth: adminKey)
                }
                _ = try await expectAudited("POST /api/v1/jobs/{id}/cancel", action: "cancel") {
                    try await client.send(
                        .post, "/api/v1/jobs/\(try export.json()["id"] as? Int ?? 0)/cancel", auth: adminKey)
                }
                _ = try await expectAudited("POST /api/v1/backups", action: "start") {
                    try await client.send(.post, "/api/v1/backups", auth: adminKey)
                }
                let archive = try await server.services.backups.create().archive.lastPathComponent
                _ = try await expectAudited("POST /api/v1/backups/{name}/verify", action: "start") {
                    try await client.send(.post, "/api/v1/backups/\(archive)/verify", auth: adminKey)
                }
                _ = try await expectAudited("POST /api/v1/audit/verify", action: "start") {
                    try await client.send(.post, "/api/v1/audit/verify", auth: adminKey)
                }
                let messageID = try await server.services.database.write { db in
                    var message = EmailMessage(
                        recipient: "x@lab.example", subject: "s", body: "b", state: .dead, attempts: 6,
                        nextAttemptAt: Date(), createdAt: Date())
                    try message.insert(db)
                    return message.id ?? 0
                }
                _ = try await expectAudited("POST /api/v1/outbox/{id}/retry", action: "retry") {
                    try await client.send(.post, "/api/v1/outbox/\(messageID)/retry", auth: adminKey)
                }
            }
            try await step("exports run as jobs") {
                for path in [
                    "customers", "animals", "orders", "lab-tests", "opu-sessions", "ivf-batches", "embryos",
                    "transfers", "pregnancy-checks", "storage/inventory", "genotypes", "embryo-certificates",
                ] {
                    _ = try await expectAudited("POST /api/v1/\(path)/export-jobs", action: "start") {
                        try await client.send(.post, "/api/v1/\(path)/export-jobs", auth: adminKey)
                    }
                }
            }
            try await step("imports run as jobs") {
                for (noun, csv) in [
                    ("samples", "external_id,species,kind,collected_at\r\nJOB-1,bovine,dna,2026-01-02\r\n"),
                    ("customers", "name\r\nJob Farm\r\n"), ("animals", "species\r\novine\r\n"),
                ] {
                    _ = try await expectAudited("POST /api/v1/\(noun)/import/jobs", action: "start") {
                        try await client.sendCSV("/api/v1/\(noun)/import/jobs", auth: adminKey, csv)
                    }
                }
            }
            try await step("reproduction, genomics and results") {
                let witness = try await server.user(.director)
                try await AuditedLabRoutes.exercise(
                    client, adminKey: adminKey, session: session, witness: witness.email,
                    expectAudited: { try await expectAudited($0, action: $1, $2) })
            }
            try await step("billing") {
                try await AuditedBillingRoutes.exercise(
                    client, adminKey: adminKey, expectAudited: { try await expectAudited($0, action: $1, $2) })
            }
            try await step("the billing office") {
                try await AuditedBillingOfficeRoutes.exercise(
                    client, adminKey: adminKey, expectAudited: { try await expectAudited($0, action: $1, $2) })
            }
            try await step("attachments") {
                let animal = try await client.newAnimal(auth: adminKey, name: "Attached")
                let attachment = try await expectAudited("POST /api/v1/attachments", action: "create") {
                    try await client.sendMultipart(
                        "/api/v1/attachments", auth: adminKey,
                        fields: [("entity_type", "animal"), ("entity_id", String(animal))],
                        files: [("file", "note.txt", Data("seen on day 3".utf8))])
                }
                let id = try #require(try attachment.json()["id"] as? Int)
                _ = try await expectAudited("DELETE /api/v1/attachments/{id}", action: "delete") {
                    try await client.send(
                        .delete, "/api/v1/attachments/\(id)", auth: adminKey, json: ["reason": "wrong animal"])
                }
            }
            try await step("mail templates") {
                let text = "Hello {{name}}, your results: {{{link}}}"
                _ = try await expectAudited("PATCH /api/v1/email-templates/{name}", action: "email_template.update") {
                    try await client.send(
                        .patch, "/api/v1/email-templates/email-results-ready", auth: adminKey,
                        json: ["text": text, "html": ""])
                }
                _ = try await expectAudited("DELETE /api/v1/email-templates/{name}", action: "email_template.reset") {
                    try await client.send(.delete, "/api/v1/email-templates/email-results-ready", auth: adminKey)
                }
                // A preview renders and stores nothing.
                checked.insert("POST /api/v1/email-templates/{name}/preview")
            }
            try await step("tasks, comments and journal notes") {
                let animal = try await client.newAnimal(auth: adminKey, name: "Discussed")
                let task = try await expectAudited("POST /api/v1/tasks", action: "create") {
                    try await client.send(
                        .post, "/api/v1/tasks", auth: adminKey,
                        json: ["title": "Scan", "entity_type": "animal", "entity_id": animal])
                }
                let id = try #require(try task.json()["id"] as? Int)
                _ = try await expectAudited("PATCH /api/v1/tasks/{id}", action: "update") {
                    try await client.send(.patch, "/api/v1/tasks/\(id)", auth: adminKey, json: ["status": "done"])
                }
                _ = try await expectAudited("POST /api/v1/comments", action: "create") {
                    try await client.send(
                        .post, "/api/v1/comments", auth: adminKey,
                        json: ["entity_type": "task", "entity_id": id, "body": "Scanned."])
                }
                _ = try await expectAudited("POST /api/v1/notes", action: "create") {
                    try await client.send(
                        .post, "/api/v1/notes", auth: adminKey,
                        json: ["entity_type": "animal", "entity_id": animal, "body": "Bright."])
                }
            }
            try await step("the document library") {
                let version = try await expectAudited("POST /api/v1/library/documents", action: "create") {
                    try await client.send(
                        .post, "/api/v1/library/documents", auth: adminKey, json: ["title": "SOP", "body": "Do it."])
                }
                let document = try #require(try version.json()["document_id"] as? Int)
                let second = try await expectAudited("POST /api/v1/library/documents/{id}/versions", action: "create") {
                    try await client.send(
                        .post, "/api/v1/library/documents/\(document)/versions", auth: adminKey,
                        json: ["body": "Do it twice."])
                }
                let id = try #require(try second.json()["id"] as? Int)
                _ = try await expectAudited("POST /api/v1/library/versions/{id}/approve", action: "sign") {
                    try await client.send(
                        .post, "/api/v1/library/versions/\(id)/approve", session: session,
                        json: ["password": TestServer.password])
                }
                let archive = try LibraryTests.zip([("imported-sop.md", "---\ntitle: Imported SOP\n---\nText.\n")])
                _ = try await expectAudited("POST /api/v1/library/import", action: "create") {
                    try await client.sendMultipart(
                        "/api/v1/library/import", auth: adminKey, files: [("file", "library.zip", archive)])
                }
            }
            try await step("saved reports") {
                let saved = try await expectAudited("POST /api/v1/saved-reports", action: "create") {
                    try await client.send(
                        .post, "/api/v1/saved-reports", session: session, json: ["name": "Q", "report": "results"])
                }
                let id = try #require(try saved.json()["id"] as? Int)
                _ = try await expectAudited("PATCH /api/v1/saved-reports/{id}", action: "update") {
                    try await client.send(
                        .patch, "/api/v1/saved-reports/\(id)", session: session, json: ["shared": true])
                }
                _ = try await expectAudited("DELETE /api/v1/saved-reports/{id}", action: "delete") {
                    try await client.send(.delete, "/api/v1/saved-reports/\(id)", session: session)
                }
            }
            try await step("privacy: a consent and an erasure") {
                let customer = try await client.send(
                    .post, "/api/v1/customers", auth: adminKey, json: ["name": "To Be Erased"])
                let id = try #require(try customer.json()["id"] as? Int)
                _ = try await expectAudited("POST /api/v1/customers/{id}/consents", action: "create") {
                    try await client.send(
                        .post, "/api/v1/customers/\(id)/consents", auth: adminKey,
                        json: ["purpose": "marketing", "status": "given"])
                }
                _ = try await expectAudited("POST /api/v1/customers/{id}/erase", action: "privacy.erase") {
                    try await client.send(
                        .post, "/api/v1/customers/\(id)/erase", auth: adminKey, json: ["reason": "Request"])
                }
            }
            try await step("webhooks") {
                let endpoint = try await expectAudited("POST /api/v1/webhooks", action: "create") {
                    try await client.send(
                        .post, "/api/v1/webhooks", auth: adminKey,
                        json: ["name": "PMS", "url": "http://127.0.0.1:9/in", "events": ["invoice.issued"]])
                }
                let id = try #require(try endpoint.json()["id"] as? Int)
                _ = try await expectAudited("PATCH /api/v1/webhooks/{id}", action: "update") {
                    try await client.send(.patch, "/api/v1/webhooks/\(id)", auth: adminKey, json: ["name": "PMS 2"])
                }
                _ = try await expectAudited("POST /api/v1/webhooks/{id}/secret", action: "webhook.rotate_secret") {
                    try await client.send(.post, "/api/v1/webhooks/\(id)/secret", auth: adminKey)
                }
                let ping = try await expectAudited("POST /api/v1/webhooks/{id}/test", action: "webhook.test") {
                    try await client.send(.post, "/api/v1/webhooks/\(id)/test", auth: adminKey)
                }
                let delivery = try #require(try ping.json()["id"] as? Int)
                _ = try await expectAudited(
                    "POST /api/v1/webhook-deliveries/{id}/redeliver", action: "webhook.redeliver"
                ) {
                    try await client.send(.post, "/api/v1/webhook-deliveries/\(delivery)/redeliver", auth: adminKey)
                }
                _ = try await expectAudited("DELETE /api/v1/webhooks/{id}", action: "delete") {
                    try await client.send(.delete, "/api/v1/webhooks/\(id)", auth: adminKey)
                }
            }
            try await step("custom fields") {
                let field = try await expectAudited("POST /api/v1/custom-fields", action: "create") {
                    try await client.send(
                        .post, "/api/v1/custom-fields", auth: adminKey,
                        json: ["entity_type": "animal", "key": "coat", "label": "Coat", "kind": "text"])
                }
                let id = try #require(try field.json()["id"] as? Int)
                _ = try await expectAudited("PATCH /api/v1/custom-fields/{id}", action: "update") {
                    try await client.send(
                        .patch, "/api/v1/custom-fields/\(id)", auth: adminKey, json: ["archived": true])
                }
            }
            // Reading one's own notifications changes no record anyone audits.
            checked.formUnion(["POST /api/v1/notifications/{id}/read", "POST /api/v1/notifications/read-all"])

            let writing = Set(
                server.policy.keys.filter {
                    $0.hasPrefix("POST /api/") || $0.hasPrefix("PATCH /api/") || $0.hasPrefix("DELETE /api/")
                        || $0.hasPrefix("PUT /api/")
                })
            #expect(checked == writing)
        }
        #expect(try await server.verifyAudit().isIntact)
    }
}
