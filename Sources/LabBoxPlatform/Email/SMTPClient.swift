import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where and how to send mail (`smtp.*` settings).
package struct SMTPSettings: Sendable {
    package enum Security: String, Sendable, CaseIterable {
        /// Plain SMTP: only for a relay on the same machine or a test sink.
        case none
        /// Upgrade with STARTTLS, refusing servers that do not offer it.
        case starttls
        /// TLS from the first byte (port 465).
        case tls
    }

    package var host: String
    package var port: Int
    package var security: Security
    package var username: String?
    package var password: String?
    package var from: String
    package var verifyCertificate: Bool

    package init(
        host: String, port: Int, security: Security, username: String? = nil, password: String? = nil, from: String,
        verifyCertificate: Bool
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.from = from
        self.verifyCertificate = verifyCertificate
    }
}

/// Delivers one message per connection: EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, QUIT.
/// Every step waits for the server's reply and fails with it, so the outbox can show why.
package enum SMTPClient {
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    package static func send(_ message: EmailMessage, with settings: SMTPSettings, timeout: Duration = .seconds(30))
        async throws
    {
        let (replies, continuation) = AsyncStream.makeStream(of: Reply.self)
        let decoder = ReplyDecoder(continuation: continuation)
        let tls = try NIOSSLContext(configuration: tlsConfiguration(settings))
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if settings.security == .tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: serverName(settings.host)))
                    }
                    try channel.pipeline.syncOperations.addHandler(decoder)
                }
            }
            .connect(host: settings.host, port: settings.port).get()
        let deadline = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout / .nanoseconds(1)))) {
            channel.close(promise: nil)
        }
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        var session = Session(channel: channel, replies: replies.makeAsyncIterator())
        try await session.expect(220, after: nil)
        let hello = "EHLO " + localHostName
        let features = try await session.command(hello, expect: 250)
        if settings.security == .starttls {
            guard features.lines.contains(where: { $0.uppercased().contains("STARTTLS") }) else {
                throw Failure(description: "the server does not offer STARTTLS (set smtp.security to none or tls)")
            }
            _ = try await session.command("STARTTLS", expect: 220)
            let consumed = session.consumed
            // Whatever came after the 220 came in plain text, where anyone on the path can add
            // it, and would be read as the first replies inside TLS (RFC 3207 §4.2; CVE-2011-0411
            // in other mailers). Checked and upgraded in one event-loop turn, so nothing slips in
            // between; bytes arriving later meet the TLS handler and fail its handshake.
            try await channel.eventLoop.submit {
                guard decoder.isIdle(consumed: consumed) else {
                    throw Failure(description: "the server sent more after its STARTTLS reply; refusing the connection")
                }
                try channel.pipeline.syncOperations.addHandler(
                    NIOSSLClientHandler(context: tls, serverHostname: serverName(settings.host)), position: .first)
            }.get()
            _ = try await session.command(hello, expect: 250)
        }
        if let username = settings.username, !username.isEmpty {
            let credentials = Data(("\0" + username + "\0" + (settings.password ?? "")).utf8).base64EncodedString()
            _ = try await session.command("AUTH PLAIN " + credentials, expect: 235, shown: "AUTH PLAIN ***")
        }
        _ = try await session.command("MAIL FROM:<\(settings.from)>", expect: 250)
        _ = try await session.command("RCPT TO:<\(message.recipient)>", expect: 250, 251)
        _ = try await session.command("DATA", expect: 354)
        _ = try await session.command(
            content(of: message, from: settings.from) + "\r\n.", expect: 250, shown: "message")
        _ = try? await session.command("QUIT", expect: 221)
    }

    /// This machine's name for EHLO, without the DNS lookup `ProcessInfo.hostName` does (which can
    /// hang for seconds on a box without a resolver).
    private static var localHostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "labbox" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map(UInt8.init), as: UTF8.self)
        return name.isEmpty ? "labbox" : name
    }

    /// The message in RFC 5322 form, dot-stuffed for DATA.
    package static func content(of message: EmailMessage, from: String) -> String {
        // Anything but printable ASCII is encoded (RFC 2047), so no byte of a subject can end its line.
        let subject =
            message.subject.unicodeScalars.allSatisfy { (0x20..<0x7F).contains($0.value) }
            ? message.subject : "=?UTF-8?B?" + Data(message.subject.utf8).base64EncodedString() + "?="
        let date = Date().formatted(
            Date.VerbatimFormatStyle(
                format:
                    "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) +0000",
                locale: Locale(identifier: "en_US_POSIX"), timeZone: .gmt, calendar: Calendar(identifier: .gregorian)))
        let headers = [
            "From: LabBox <\(from)>", "To: <\(message.recipient)>", "Subject: \(subject)", "Date: \(date)",
            "Message-ID: <labbox-\(message.id ?? 0)-\(Secrets.token(bytes: 6))@\(from.split(separator: "@").last ?? "labbox")>",
            "MIME-Version: 1.0",
        ]
        let body = MIMEBody.lines(of: message).map { $0.hasPrefix(".") ? "." + $0 : $0 }
        return (headers + body).joined(separator: "\r\n")
    }

    /// The name to send as SNI and check the certificate against; TLS forbids IP addresses there.
    private static func serverName(_ host: String) -> String? {
        host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
    }

    private static func tlsConfiguration(_ settings: SMTPSettings) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if !settings.verifyCertificate { configuration.certificateVerification = .none }
        return configuration
    }

    package struct Reply: Sendable {
        package let code: Int
        package let lines: [String]
    }

    private struct Session {
        let channel: any Channel
        var replies: AsyncStream<Reply>.Iterator
        /// Replies read so far.
        var consumed = 0

        mutating func expect(_ codes: Int..., after command: String?) async throws {
            _ = try await next(codes, after: command)
        }

        mutating func command(_ line: String, expect codes: Int..., shown: String? = nil) async throws -> Reply {
            try await channel.writeAndFlush(ByteBuffer(string: line + "\r\n"))
            return try await next(codes, after: shown ?? line)
        }

        private mutating func next(_ codes: [Int], after command: String?) async throws -> Reply {
            guard let reply = await replies.next() else {
                throw Failure(description: "the server closed the connection" + (command.map { " after \($0)" } ?? ""))
            }
            guard codes.contains(reply.code) else {
                throw Failure(
                    description: (command.map { "\($0): " } ?? "greeting: ") + reply.lines.joined(separator: " / "))
            }
            consumed += 1
            return reply
        }
    }

    /// Splits the byte stream into replies; a reply's last line has a space after its code.
    /// Unchecked `Sendable`: it is only touched on its channel's event loop.
    private final class ReplyDecoder: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let continuation: AsyncStream<Reply>.Continuation
        var pending = ""
        var lines: [String] = []
        var yielded = 0

        /// Whether every byte received so far belonged to the `consumed` replies already read.
        func isIdle(consumed: Int) -> Bool {
            yielded == consumed && pending.isEmpty && lines.isEmpty
        }

        init(continuation: AsyncStream<Reply>.Continuation) { self.continuation = continuation }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            pending += buffer.readString(length: buffer.readableBytes) ?? ""
            while let end = pending.range(of: "\r\n") {
                let line = String(pending[..<end.lowerBound])
                pending.removeSubrange(..<end.upperBound)
                lines.append(line)
                if line.count < 4 || line[line.index(line.startIndex, offsetBy: 3)] == " " {
                    continuation.yield(Reply(code: Int(line.prefix(3)) ?? 0, lines: lines))
                    yielded += 1
                    lines = []
                }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            continuation.finish()
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            continuation.finish()
            context.close(promise: nil)
        }
    }
}
