import Foundation
import Hummingbird
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite struct LifecycleTests {
    /// A shutdown signal while a request is in flight: the request still gets its answer, then the
    /// server stops and leaves the database checkpointed (empty WAL). The test process uses SIGUSR2
    /// instead of SIGTERM, which other tests' servers in this process also listen to; `labbox serve`
    /// with SIGTERM is covered by the CLI tests.
    @Test func sigtermLetsInFlightRequestsFinishAndClosesTheDatabaseCleanly() async throws {
        let server = try TestServer()
        let ready = AsyncStream.makeStream(of: Int.self)
        let handling = AsyncStream.makeStream(of: Void.self)
        let running = Task {
            let router = try buildRouter(server.services)
            router.get("/test/slow") { _, _ in
                handling.continuation.yield()
                try await Task.sleep(for: .milliseconds(1500))
                return "finished"
            }
            try await Server.run(server.services, router: router, environment: [:], shutdownSignals: [.sigusr2]) {
                port in
                ready.continuation.yield(port)
            }
        }
        var ports = ready.stream.makeAsyncIterator()
        let port = try #require(await ports.next())
        let request = Task {
            try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/test/slow")!)
        }
        // The signal comes once the request is in its handler, however busy the machine is.
        var started = handling.stream.makeAsyncIterator()
        _ = await started.next()
        kill(getpid(), SIGUSR2)
        let (data, response) = try await request.value
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: data, as: UTF8.self) == "finished")
        try await running.value
        let wal = server.services.config.databasePath + "-wal"
        let size = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
        #expect(size == 0)
    }
}
