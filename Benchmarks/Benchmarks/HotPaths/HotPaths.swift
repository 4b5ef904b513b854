import LabBoxApp
import Benchmark
import Foundation

/// One dataset for every benchmark: 100,000 demo samples in a temporary data directory, made by
/// the setup hook. Made lazily inside a benchmark, it blocked a thread of the cooperative pool
/// waiting for a task that needed one; on two cores that was a deadlock.
private final class Fixture: @unchecked Sendable {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("labbox-bench-\(getpid())").path
    var hotPaths: HotPaths!
}

private let fixture = Fixture()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3))
    Benchmark.setup = { fixture.hotPaths = try await HotPaths(directory: fixture.directory, samples: 100_000) }
    Benchmark.teardown = { try? FileManager.default.removeItem(atPath: fixture.directory) }

    Benchmark("JSON of a page of 50 samples") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(fixture.hotPaths.encodeSamplePage()) }
    }
    Benchmark("API key lookup (cached)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try await fixture.hotPaths.lookUpKey()) }
    }
    Benchmark("Keyset page, species+status filter, deep cursor") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try await fixture.hotPaths.deepPage()) }
    }
}
