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

/// Self-service password reset: "Forgot password?" emails a single-use, expiring link and never
/// tells whether an account exists.
@Suite struct ForgotPasswordTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func server() throws -> TestServer {
        try TestServer { $0.publicURL = "https://labbox.clinic.example/" }
    }

    static func outbox(_ server: TestServer) async throws -> [EmailMessage] {
        try await server.services.database.read { try EmailMessage.order(Column("id")).fetchAll($0) }
    }

    @Test func theEmailedLinkSetsAPasswordOnce() async throws {
        let server = try Self.server()
        let technician = try await server.user(.technician)
        try await server.test { client in
            let login = try await client.execute(uri: "/login", method: .get)
            #expect(login.text.contains("href=\"/forgot\""))
            let asked = try await client.execute(
                uri: "/forgot", method: .post, headers: Self.form,
                body: ByteBuffer(string: "email=technician%40lab.example"))
            #expect(asked.status == .ok)
            #expect(asked.text.contains("If an account uses this address"))
            let mail = try #require(try await Self.outbox(server).first)
            #expect(mail.recipient == technician.email)
            #expect(mail.html.contains("Choose a new password"))
            let token = try #require(
                mail.body.firstMatch(of: /https:\/\/labbox\.clinic\.example\/reset\?token=([A-Za-z0-9_-]+)/)
                    .map { String($0.1) })
            #expect(try await client.execute(uri: "/reset?token=\(token)", method: .get).status == .ok)
            let done = try await client.execute(
                uri: "/reset", method: .post, headers: Self.form,
                body: ByteBuffer(string: "token=\(token)&password=a+fresh+start+at+the+lab"))
            #expect(done.status == .seeOther)
            let reused = try await client.execute(
                uri: "/reset", method: .post, headers: Self.form,
                body: ByteBuffer(string: "token=\(token)&password=another+fresh+start+here"))
            #expect(reused.status == .notFound)
            #expect(reused.text.contains("Forgot password?"))
        }
        #expect(try await server.eventCount("user.password_reset_requested") == 1)
        let user = try #require(try await server.services.identity.users.user(email: technician.email))
        #expect(try await PasswordPolicy.verify("a fresh start at the lab", hash: user.passwordHash))
    }

    @Test func anUnknownAddressGetsTheSameAnswerAndNoMail() async throws {
        let server = try Self.server()
        _ = try await server.user(.director)
        try await server.test { client in
            let known = try await client.send(
                .post, "/api/v1/auth/password-reset", json: ["email": "director@lab.example"])
            let unknown = try await client.send(
                .post, "/api/v1/auth/password-reset", json: ["email": "nobody@lab.example"])
            #expect(known.status == .accepted)
            #expect(unknown.status == .accepted)
            #expect(known.text == unknown.text)
            let bad = try await client.send(.post, "/api/v1/auth/password-reset", json: ["email": "not an address"])
            #expect(bad.status == .unprocessableContent)
            #expect(try bad.apiError()["field"] as? String == "email")
        }
        #expect(try await Self.outbox(server).map(\.recipient) == ["director@lab.example"])
        // Both requests are recorded, the unknown one with the address that was asked about.
        #expect(try await server.eventCount("user.password_reset_requested") == 2)
    }

    @Test func requestsAreLimitedPerAccountSilentlyAndPerAddressWith429() async throws {
        let server = try Self.server()
        _ = try await server.user(.auditor)
        try await server.test { client in
            for _ in 0..<4 {
                let answer = try await client.send(
                    .post, "/api/v1/auth/password-reset", json: ["email": "auditor@lab.example"])
                #expect(answer.status == .accepted)
            }
            // Three mails an hour per account; the fourth request got the same answer and sent nothing.
            #expect(try await Self.outbox(server).count == 3)
            let fifth = try await client.send(
                .post, "/api/v1/auth/password-reset", json: ["email": "other@lab.example"])
            #expect(fifth.status == .accepted)
            let sixth = try await client.send(
                .post, "/api/v1/auth/password-reset", json: ["email": "other@lab.example"])
            #expect(sixth.status == .tooManyRequests)
            #expect(sixth.headers[.retryAfter] != nil)
        }
    }

    @Test func anExpiredEmailedLinkIsRefused() async throws {
        let server = try Self.server()
        _ = try await server.user(.technician)
        try await server.test { client in
            _ = try await client.send(.post, "/api/v1/auth/password-reset", json: ["email": "technician@lab.example"])
            let mail = try #require(try await Self.outbox(server).first)
            let token = try #require(mail.body.firstMatch(of: /token=([A-Za-z0-9_-]+)/).map { String($0.1) })
            try await server.services.database.write {
                try $0.execute(sql: "UPDATE password_resets SET expires_at = '2000-01-01 00:00:00.000'")
            }
            #expect(try await client.execute(uri: "/reset?token=\(token)", method: .get).status == .notFound)
        }
    }

    /// Without `lab.public_url` (or a trusted host) a link would be built from the request's
    /// `Host` header, which the requester chooses: reset by email stays off.
    @Test func withoutAPublicAddressResetByEmailIsOff() async throws {
        let server = try TestServer()
        _ = try await server.user(.technician)
        try await server.test { client in
            let page = try await client.execute(uri: "/forgot", method: .get)
            #expect(page.text.contains("not set up"))
            let asked = try await client.send(
                .post, "/api/v1/auth/password-reset", json: ["email": "technician@lab.example"])
            #expect(asked.status == .conflict)
        }
        #expect(try await Self.outbox(server).isEmpty)
    }
}

/// A person an admin gives an account hears of it by email, with where to sign in.
@Suite struct WelcomeMailTests {
    @Test func aNewAccountIsWelcomedByEmailWithoutItsPassword() async throws {
        let server = try TestServer { $0.publicURL = "https://labbox.clinic.example" }
        let admin = try await server.apiKey(["admin"])
        try await server.test { client in
            let created = try await client.send(
                .post, "/api/v1/users", auth: admin,
                json: [
                    "email": "dana@lab.example", "display_name": "Dana Weber", "role": "technician",
                    "password": TestServer.password,
                ])
            #expect(created.status == .created)
        }
        let mail = try #require(
            try await server.services.database.read { try EmailMessage.fetchOne($0) })
        #expect(mail.recipient == "dana@lab.example")
        #expect(mail.body.contains("https://labbox.clinic.example/login") && mail.body.contains("Technician"))
        #expect(!mail.body.contains(TestServer.password) && !mail.html.contains(TestServer.password))
    }
}
