import Foundation
import GRDB
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Tests/support/smtp_sink.py (aiosmtpd) on a free loopback port; what it receives lands in a file.
final class SMTPSink {
    let child: ChildProcess
    let port: Int
    let output: String

    init(_ options: [String] = []) throws {
        let directory = NSTemporaryDirectory() + "labbox-sink-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        output = directory + "/received.jsonl"
        let script = packageRoot.appendingPathComponent("Tests/support/smtp_sink.py").path
        // scripts/test points this at a venv with aiosmtpd; otherwise the system Python must have it.
        let python = ProcessInfo.processInfo.environment["LABBOX_TEST_PYTHON"] ?? "/usr/bin/env"
        child = try ChildProcess(
            python, (python.hasSuffix("env") ? ["python3"] : []) + [script, output] + options, errors: .discarded)
        let line = String(decoding: child.output.availableData, as: UTF8.self)
        guard let port = line.firstMatch(of: /READY (\d+)/).flatMap({ Int($0.1) }) else {
            child.signal()
            throw ServerStartError(log: "smtp sink: \(line) (is aiosmtpd installed? scripts/test installs it)")
        }
        self.port = port
    }

    var messages: [[String: Any]] {
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    deinit {
        child.signal(SIGKILL)
        child.waitForExit()
    }
}

@Suite(.serialized) struct MailTests {
    private func settings(port: Int, security: SMTPSettings.Security = .none) -> SMTPSettings {
        SMTPSettings(
            host: "127.0.0.1", port: port, security: security, username: "labbox", password: "mail-secret",
            from: "labbox@clinic.example", verifyCertificate: false)
    }

    private func queueAlert(_ server: TestServer) async throws -> User {
        let admin = try await server.user(.admin)
        try await server.services.database.write { db in
            try Notification.post(
                db, to: [admin], kind: .security, title: "Security alert: ünïcode test", body: ".starts with a dot",
                link: "/admin/security")
        }
        return admin
    }

    /// Found in review (issue 20, M3): an animal's name went unescaped into a reminder's subject.
    @Test func headerValuesCannotCarryALineBreak() async throws {
        let server = try TestServer()
        let queued = try await server.services.database.write { db -> EmailMessage in
            try EmailMessage.queue(
                db, to: "tech@lab.example", mail: NotificationMail.sample,
                subject: "Check Bella\r\nBcc: victim@evil.example")
            return try #require(try EmailMessage.order(Column("id").desc).fetchOne(db))
        }
        #expect(!queued.subject.contains("\r") && !queued.subject.contains("\n"))
        let content = SMTPClient.content(of: queued, from: "labbox@lab.example")
        #expect(!content.split(separator: "\r\n").contains { $0.hasPrefix("Bcc:") })

        // A subject with a control character is encoded, so even one stored before cannot break out.
        var raw = queued
        raw.subject = "Check Bella\r\nBcc: victim@evil.example"
        let encoded = SMTPClient.content(of: raw, from: "labbox@lab.example")
        #expect(!encoded.split(separator: "\r\n").contains { $0.hasPrefix("Bcc:") })

        await #expect(throws: APIError.self) {
            try await server.services.database.write { db in
                try EmailMessage.queue(
                    db, to: "tech@lab.example>\r\nRCPT TO:<victim@evil.example", mail: NotificationMail.sample,
                    subject: "s")
            }
        }
    }

    @Test func alertsAreDeliveredOverSMTPWithAuthAndStayInTheOutboxWithoutIt() async throws {
        let sink = try SMTPSink(["--user", "labbox:mail-secret"])
        let server = try TestServer()
        let admin = try await queueAlert(server)
        let idle = OutboxSender(database: server.services.database, settings: nil, retryBase: .zero)
        #expect(try await idle.sendDue() == 0)
        let sender = OutboxSender(
            database: server.services.database, settings: settings(port: sink.port), retryBase: .zero)
        #expect(try await sender.sendDue() == 1)
        let message = try #require(sink.messages.first)
        #expect(message["to"] as? [String] == [admin.email])
        #expect(message["auth"] as? Bool == true)
        let data = try #require(message["data"] as? String)
        #expect(data.contains("Subject: =?UTF-8?B?"))
        #expect(data.contains("Open it in LabBox: /admin/security"))
        #expect(data.contains("\n.starts with a dot"))
        let stored = try await server.services.database.read { try EmailMessage.fetchOne($0) }
        #expect(stored?.state == .sent)
        #expect(try await sender.sendDue() == 0)
    }

    @Test func startTLSUpgradesTheConnectionBeforeAuthenticating() async throws {
        let directory = try TemporaryDirectory()
        let key = directory.path + "/key.pem"
        let cert = directory.path + "/cert.pem"
        try ChildProcess(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj",
                "/CN=127.0.0.1",
            ], errors: .discarded
        ).waitForExit()
        let sink = try SMTPSink(["--starttls", cert, key, "--user", "labbox:mail-secret"])
        let server = try TestServer()
        _ = try await queueAlert(server)
        let plain = OutboxSender(
            database: server.services.database, settings: settings(port: sink.port), retryBase: .zero)
        _ = try await plain.sendDue()
        #expect(sink.messages.isEmpty)
        let secure = OutboxSender(
            database: server.services.database, settings: settings(port: sink.port, security: .starttls),
            retryBase: .zero)
        #expect(try await secure.sendDue() == 1)
        let stored = try await server.services.database.read { try EmailMessage.fetchOne($0) }
        #expect(stored?.state == .sent, "\(stored?.lastError ?? "")")
        #expect(sink.messages.first?["tls"] as? Bool == true)
    }

    /// Someone on the path appends a reply to the server's answer to STARTTLS: read inside TLS, it
    /// would pass for the server's own. The client refuses the connection instead.
    @Test func repliesInjectedBeforeTheTLSUpgradeAreRefused() async throws {
        let sink = try SMTPSink(["--inject-after-starttls"])
        let server = try TestServer()
        _ = try await queueAlert(server)
        let sender = OutboxSender(
            database: server.services.database, settings: settings(port: sink.port, security: .starttls),
            retryBase: .zero)
        _ = try await sender.sendDue()
        let stored = try await server.services.database.read { try EmailMessage.fetchOne($0) }
        #expect(stored?.state != .sent)
        #expect(stored?.lastError?.contains("more after its STARTTLS reply") == true, "\(stored?.lastError ?? "")")
    }

    @Test func failedDeliveriesBackOffThenGiveUpAndAnAdminCanRetry() async throws {
        let server = try TestServer()
        _ = try await queueAlert(server)
        let nobody = OutboxSender(database: server.services.database, settings: settings(port: 9), retryBase: .zero)
        for attempt in 1...OutboxSender.maxAttempts {
            #expect(try await nobody.sendDue() == 1)
            let message = try #require(try await server.services.database.read { try EmailMessage.fetchOne($0) })
            #expect(message.attempts == attempt)
            #expect(message.lastError?.isEmpty == false)
            #expect(message.state == (attempt == OutboxSender.maxAttempts ? .dead : .queued))
        }
        let slow = OutboxSender(
            database: server.services.database, settings: settings(port: 9), retryBase: .seconds(60))
        try await server.services.database.write {
            try $0.execute(sql: "UPDATE email_outbox SET state = 'queued', attempts = 0")
        }
        _ = try await slow.sendDue()
        let waiting = try #require(try await server.services.database.read { try EmailMessage.fetchOne($0) })
        #expect(waiting.nextAttemptAt > Date().addingTimeInterval(50))
        try await server.services.database.write { try $0.execute(sql: "UPDATE email_outbox SET state = 'dead'") }

        let sink = try SMTPSink(["--user", "labbox:mail-secret"])
        let admin = try await server.signIn(.admin)
        try await server.test { client in
            let page = try await client.send(.get, "/admin/outbox", session: admin).text
            #expect(page.contains("dead"))
            let id = waiting.id ?? 0
            #expect(try await client.send(.post, "/api/v1/outbox/\(id)/retry", session: admin).status == .noContent)
        }
        let sender = OutboxSender(
            database: server.services.database, settings: settings(port: sink.port), retryBase: .zero)
        #expect(try await sender.sendDue() == 1)
        #expect(sink.messages.count == 1)
    }

    @Test func theRunningServerMailsAdminsAboutALockout() async throws {
        let sink = try SMTPSink()
        let directory = try TemporaryDirectory()
        let created = try await LabBoxProcess.run(
            [
                "user", "create", "--data", directory.path, "--email", "admin@clinic.example", "--role", "admin",
                "--password-stdin",
            ],
            stdin: TestServer.password + "\n")
        #expect(created.status == 0, "\(created.stderr)")
        let server = try RunningServer(
            directory: directory.path, arguments: ["--data", directory.path],
            environment: [
                "LABBOX_SMTP_HOST": "127.0.0.1", "LABBOX_SMTP_PORT": String(sink.port), "LABBOX_SMTP_SECURITY": "none",
            ])
        defer { _ = server.terminate() }
        for _ in 0..<Identity.lockoutThreshold {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/api/v1/auth/token")!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(#"{"email":"admin@clinic.example","password":"wrong password here"}"#.utf8)
            _ = try await URLSession.shared.data(for: request)
        }
        let message = try #require(try await poll { sink.messages.first })
        #expect(message["to"] as? [String] == ["admin@clinic.example"])
        #expect((message["data"] as? String)?.contains("Security alert: login.lockout") == true)
    }
}
