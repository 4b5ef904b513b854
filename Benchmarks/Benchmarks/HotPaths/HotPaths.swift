import Appliance
import Benchmark
import Foundation

/// One dataset for every benchmark: 100,000 demo samples in a temporary data directory.
private let fixture: HotPaths = {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("labbox-bench-\(getpid())").path
    let box = FixtureBox()
    let done = DispatchSemaphore(value: 0)
    Task {
        box.value = try await HotPaths(directory: directory, samples: 100_000)
        done.signal()
    }
    done.wait()
    return box.value!
}()

private final class FixtureBox: @unchecked Sendable { var value: HotPaths? }

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3))

    Benchmark("JSON of a page of 50 samples") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(fixture.encodeSamplePage()) }
    }
    Benchmark("API key lookup (cached)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try await fixture.lookUpKey()) }
    }
    Benchmark("Keyset page, species+status filter, deep cursor") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try await fixture.deepPage()) }
    }
}
