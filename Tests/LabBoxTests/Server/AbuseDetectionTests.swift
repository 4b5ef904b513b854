import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// Automatic blocks (issue 20, M5): only anonymous, clearly hostile traffic counts; a signed-in
/// person and the box's own loopback address are never blocked. The test client is on loopback, so
/// it speaks through a trusted proxy that names the client in `X-Forwarded-For`.
@Suite struct AbuseDetectionTests {
    static let outsider = "203.0.113.7"
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    private func server() throws -> TestServer {
        try TestServer { $0.trustedProxies = [CIDR("127.0.0.0/8")!] }
    }

    @Test func probingAddressIsBlockedUntilLifted() async throws {
        let server = try server()
        let from: HTTPFields = [Self.forwardedFor: Self.outsider]
        try await server.test(.live) { client in
            // A probe costs 10 of the 30 tolerated strikes, in any letter case: the fourth trips the block.
            for uri in ["/a/../../etc", "/A/..%2F..%2Fetc", "/a/..%2f..%2fetc", "/?q=%3CScript%3E"] {
                let probed = try await client.execute(uri: uri, method: .get, headers: from)
                #expect(probed.status != .forbidden, "\(uri) was blocked before the fourth probe")
            }
            #expect(try await client.execute(uri: "/healthz", method: .get, headers: from).status == .forbidden)
            // The proxy itself, and everyone else behind it, still get in.
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let other: HTTPFields = [Self.forwardedFor: "198.51.100.9"]
            #expect(try await client.execute(uri: "/healthz", method: .get, headers: other).status == .ok)
            #expect(try await server.services.ipBlocks.current().map(\.ip) == [Self.outsider])
            let admin = try await server.user(.admin)
            try await server.services.ipBlocks.lift(Self.outsider, by: admin.principal, event: .commandLine)
            #expect(try await client.execute(uri: "/healthz", method: .get, headers: from).status == .ok)
        }
        let events = try await server.services.database.read {
            try String.fetchAll($0, sql: "SELECT kind FROM security_events WHERE kind LIKE 'ip.%' ORDER BY id")
        }
        #expect(events == ["ip.blocked", "ip.unblocked"])
    }

    /// A page or e-mail whose images point at `.php` files, and a link checker's 404s, from a
    /// signed-in person: no block. Before, a few such images blocked the viewer's address.
    @Test func aSignedInPersonIsNeverBlocked() async throws {
        let server = try server()
        let session = try await server.signIn(.technician)
        var signedIn = session.headers
        signedIn[Self.forwardedFor] = Self.outsider
        let headers = signedIn
        try await server.test(.live) { client in
            for index in 0..<60 {
                let uri = index % 2 == 0 ? "/images/x\(index).php" : "/samples/no-such-page-\(index)"
                let missing = try await client.execute(uri: uri, method: .get, headers: headers)
                #expect(missing.status == .notFound)
            }
            let traversal = try await client.execute(uri: "/a/../../etc/passwd", method: .get, headers: headers)
            #expect(traversal.status != .forbidden)
            let list = try await client.execute(uri: "/samples", method: .get, headers: headers)
            #expect(list.status == .ok)
        }
        #expect(try await server.services.ipBlocks.current().isEmpty)
    }

    /// Anonymous `.php` and `wp-admin` requests are plain 404s, not probes: three such images in an
    /// e-mail viewed outside LabBox do not block the reader.
    @Test func missingPagesAreNotProbes() async throws {
        let server = try server()
        let from: HTTPFields = [Self.forwardedFor: Self.outsider]
        try await server.test(.live) { client in
            for uri in ["/x.php", "/wp-admin/", "/wp-login.php", "/y.php", "/z.php"] {
                let missing = try await client.execute(uri: uri, method: .get, headers: from)
                #expect(missing.status == .notFound)
            }
            #expect(try await client.execute(uri: "/healthz", method: .get, headers: from).status == .ok)
        }
    }

    /// The box's own address is how an administrator reaches it when all else fails.
    @Test func loopbackIsNeverBlocked() async throws {
        let server = try TestServer()
        try await server.test(.live) { client in
            for uri in ["/a/../../etc", "/?q=%3Cscript%3E", "/.env", "/.git/config", "/x/..%2f..%2f"] {
                _ = try await client.execute(uri: uri, method: .get)
            }
            for index in 0..<40 { _ = try await client.execute(uri: "/missing-\(index)", method: .get) }
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
        #expect(try await server.services.ipBlocks.current().isEmpty)
    }

    /// Forwarding headers count only from a trusted proxy: a client cannot pose as someone else.
    @Test(arguments: [false, true]) func forwardedAddressesAreBelievedOnlyFromTrustedProxies(trusted: Bool) async throws
    {
        let server = try trusted ? server() : TestServer()
        let headers: HTTPFields = [Self.forwardedFor: Self.outsider, .contentType: "application/json"]
        try await server.test(.live) { client in
            let failed = try await client.execute(
                uri: "/api/v1/auth/token", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"email":"nobody@lab.example","password":"wrong"}"#))
            #expect(failed.status == .unauthorized)
        }
        let addresses = try await server.services.database.read {
            try String.fetchAll($0, sql: "SELECT DISTINCT client_ip FROM security_events")
        }
        #expect(addresses == [trusted ? Self.outsider : "127.0.0.1"])
    }
}
