import Foundation
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// systemd's side of `Type=notify`: a datagram socket named in `NOTIFY_SOCKET`.
@Suite struct SystemdTests {
    /// A bound unix datagram socket that collects what `labbox serve` sends to it.
    final class NotifySocket {
        let path: String
        let fd: Int32

        init(directory: String, timeoutSeconds: Int = 10) throws {
            path = directory + "/notify.sock"
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            #expect(bound == 0)
            var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        /// Messages until each of `wanted` began one of them, or the receive timeout passed.
        func receive(until wanted: [String]) -> [String] {
            var messages: [String] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !wanted.allSatisfy({ prefix in messages.contains { $0.hasPrefix(prefix) } }) {
                let count = recv(fd, &buffer, buffer.count, 0)
                guard count > 0 else { break }
                messages.append(String(decoding: buffer[0..<count], as: UTF8.self))
            }
            return messages
        }

        deinit { close(fd) }
    }

    @Test func serveNotifiesReadyFeedsTheWatchdogAndAnnouncesStopping() throws {
        let directory = try TemporaryDirectory()
        let socket = try NotifySocket(directory: directory.path)
        let server = try RunningServer(
            directory: directory.path, environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "400000"])
        let startup = socket.receive(until: ["READY=1", "WATCHDOG=1"])
        #expect(startup.contains { $0.hasPrefix("READY=1") })
        #expect(startup.contains("WATCHDOG=1"))
        #expect(server.terminate() == 0)
        #expect(socket.receive(until: ["STOPPING=1"]).contains("STOPPING=1"))
    }

    @Test func watchdogStaysSilentWhileTheDatabaseDoesNotAnswer() async throws {
        let server = try TestServer()
        let socket = try NotifySocket(directory: server.directory.path, timeoutSeconds: 1)
        let environment = ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "100000"]
        let watchdog = try #require(
            WatchdogService(
                notifier: SystemdNotifier(environment: environment), database: server.services.database,
                logger: .init(label: "test"), environment: environment))
        try server.services.database.close()
        let running = Task { try await watchdog.run() }
        #expect(socket.receive(until: ["WATCHDOG=1"]).isEmpty)
        running.cancel()
    }

    @Test func notifierIsSilentWithoutASocket() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isActive)
        #expect(!notifier.notify("READY=1"))
    }
}
