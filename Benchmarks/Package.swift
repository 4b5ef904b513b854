// swift-tools-version:6.1
// Micro-benchmarks of LabBox's hot paths (docs/BENCHMARKS.md): `cd Benchmarks && swift package benchmark`.
// A package of its own, so that the server's build and CI never build the benchmark tooling.
import PackageDescription

let package = Package(
    name: "labbox-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "HotPaths",
            dependencies: [
                .product(name: "LabBoxApp", package: "main"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/HotPaths",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
