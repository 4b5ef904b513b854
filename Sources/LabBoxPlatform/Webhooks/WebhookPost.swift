import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One signed HTTP/1.1 `POST` of a webhook delivery, on its own connection: the request, then the
/// answer's status and the start of its body. Written on NIO like ``SMTPClient``, rather than with
/// an HTTP client library, for the one request it makes (decision 0040).
package enum WebhookPost {
    /// What the receiver answered: its status and at most ``keptBody`` bytes of its body.
    package struct Answer: Sendable, Equatable {
        package let status: Int
        package let body: String
    }

    /// No answer: the connection, TLS or the timeout failed; the description says which.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
        package init(_ description: String) { self.description = description }
    }

    /// The most of an answer's body kept for the delivery log.
    package static let keptBody = 1000

    /// `sha256=<hex>`: the HMAC-SHA256, keyed with the endpoint's secret, of the timestamp, a dot
    /// and the body, as `X-LabBox-Signature` carries it.
    package static func signature(secret: String, timestamp: Int, body: Data) -> String {
        var mac = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.utf8)))
        mac.update(data: Data("\(timestamp).".utf8))
        mac.update(data: body)
        return "sha256=" + Data(mac.finalize()).hex
    }

    /// Posts `body` as JSON to `url` with `headers`; the answer, whatever its status, or a
    /// ``Failure`` when none came within `timeout`.
    package static func send(to url: URL, headers: [(String, String)], body: Data, timeout: Duration) async throws
        -> Answer
    {
        guard let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), let host = url.host,
            !host.isEmpty
        else { throw Failure("\(url.absoluteString) is not an http or https URL") }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        let path = components?.percentEncodedPath ?? ""
        var head = HTTPRequestHead(
            version: .http1_1, method: .POST,
            uri: (path.isEmpty ? "/" : path) + (components?.percentEncodedQuery.map { "?" + $0 } ?? ""))
        let hostName = host.contains(":") ? "[\(host)]" : host
        head.headers.add(name: "Host", value: url.port.map { "\(hostName):\($0)" } ?? hostName)
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(body.count))
        head.headers.add(name: "Connection", value: "close")
        for (name, value) in headers { head.headers.add(name: name, value: value) }

        let tls = scheme == "https" ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let exchange = Exchange(
            head: head, body: ByteBuffer(bytes: body), promise: loop.makePromise(of: Answer.self))
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(.nanoseconds(Int64(timeout / .nanoseconds(1))))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            // TLS forbids an IP address as the server name; the certificate is still checked.
                            let name = host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: tls, serverHostname: name))
                        }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(exchange)
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            // The promise must end, once, on its loop: the handler may have ended it already.
            loop.execute { exchange.finish(.failure(error)) }
            throw Failure("could not connect to \(host):\(port): \(error)")
        }
        let seconds = Int(timeout / .seconds(1))
        let deadline = loop.scheduleTask(in: .nanoseconds(Int64(timeout / .nanoseconds(1)))) {
            exchange.finish(.failure(Failure("no answer within \(seconds) s")))
            channel.close(promise: nil)
        }
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        return try await exchange.promise.futureResult.get()
    }

    /// Sends the request once the connection is up and collects the answer. Unchecked `Sendable`:
    /// it is only touched on its channel's event loop.
    private final class Exchange: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPClientResponsePart
        let head: HTTPRequestHead
        let body: ByteBuffer
        let promise: EventLoopPromise<Answer>
        var status = 0
        var received = ByteBuffer()
        var done = false

        init(head: HTTPRequestHead, body: ByteBuffer, promise: EventLoopPromise<Answer>) {
            (self.head, self.body, self.promise) = (head, body, promise)
        }

        func finish(_ result: Result<Answer, any Error>) {
            guard !done else { return }
            done = true
            promise.completeWith(result)
        }

        func channelActive(context: ChannelHandlerContext) {
            context.write(NIOAny(HTTPClientRequestPart.head(head)), promise: nil)
            context.write(NIOAny(HTTPClientRequestPart.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(NIOAny(HTTPClientRequestPart.end(nil)), promise: nil)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let response):
                status = Int(response.status.code)
            case .body(var part):
                let room = WebhookPost.keptBody - received.readableBytes
                if room > 0, var kept = part.readSlice(length: min(room, part.readableBytes)) {
                    received.writeBuffer(&kept)
                }
            case .end:
                finish(
                    .success(Answer(status: status, body: String(decoding: received.readableBytesView, as: UTF8.self))))
                context.close(promise: nil)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            finish(.failure(Failure("the connection closed before a whole answer came")))
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            finish(.failure(Failure("\(error)")))
            context.close(promise: nil)
        }
    }
}
