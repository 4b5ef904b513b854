// swift-tools-version:6.3;(experimentalCGen)
// experimentalCGen: the EmbedPlugin generates assembly for the CEmbedded target (docs/decisions/0003).
import PackageDescription

let package = Package(
    name: "labbox",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "labbox", targets: ["labbox"]),
        // For Benchmarks/, whose micro-benchmarks call into the server's code.
        .library(name: "LabBoxApp", targets: ["LabBoxApp"]),
        .executable(name: "labbox-fuzz", targets: ["LabBoxFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // The floors, top first. A target depends only on targets below it, so the compiler refuses
        // an upward import; docs/ARCHITECTURE.md draws this graph (scripts/architecture).

        // Tools: the fuzz targets for the parsers that read untrusted bytes, and the replay of
        // their corpora (scripts/fuzz, docs/decisions/0022). Beside the app, not in the binary.
        .executableTarget(
            name: "LabBoxFuzz",
            dependencies: [
                "LabBoxServer",
                "LabBoxPlatform",
                "LabBoxValues",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: fuzzing ? [.define("FUZZING")] + instrumented : [],
            linkerSettings: fuzzing ? [.unsafeFlags(["-sanitize=fuzzer"])] : []
        ),

        // App: the composition root (services, router, CLI, lifecycle, demo data) and the executable.
        .executableTarget(name: "labbox", dependencies: ["LabBoxApp"], path: "Sources/labbox"),
        .target(
            name: "LabBoxApp",
            dependencies: features + [
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),

        // Features: the lab's work, each with its records, store, controllers and pages. A feature
        // names the features it builds on; none names one above it.
        // People's data: consents, the subject-access export (a zip), erasure by pseudonymisation,
        // retention and the record of who read whose data (decision 0041).
        feature(
            "Privacy", ["Billing", "Customers", "Attachments", "Collaboration"],
            products: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        feature("Home", ["Billing", "Results", "Reproduction", "Animals", "Customers", "Biobank", "Collaboration"]),
        feature("Reports", ["Results", "Reproduction", "Biobank"]),
        feature("Billing", ["Results", "Reproduction", "Biobank", "Customers", "Attachments", "Collaboration"]),
        feature("Search", ["Animals", "Customers", "Biobank", "Collaboration", "CustomFields"]),
        feature("Labels", ["Biobank"]),
        feature("Genomics", ["Animals"]),
        feature("Results", ["Customers", "Biobank", "Attachments", "Collaboration"]),
        feature("Reproduction", ["Animals", "Biobank", "Results", "Attachments", "Collaboration"]),
        feature("Biobank", ["Attachments", "Collaboration", "CustomFields"]),
        feature("Animals", ["Customers", "Attachments", "Collaboration", "CustomFields"]),
        feature("Customers", ["Attachments", "Collaboration", "CustomFields"]),
        // Admin-defined fields on animals, customers and samples, and their values (decision 0043).
        feature("CustomFields"),
        // Tasks, comments and journal notes on any record, beside its files (decision 0034), and the
        // document library: Markdown (Ink) and its import and export as a zip (decision 0042).
        feature(
            "Collaboration", ["Attachments"],
            products: [
                .product(name: "Ink", package: "Ink"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        // Files on any record; the records' features show them (decision 0031).
        feature("Attachments"),
        feature("Administration"),

        // Server: HTTP (request context, middleware, errors, rendering, forms, static assets, lists,
        // CSV), identity (users, sessions, tokens, API keys, second factor, signatures' signers) and
        // security (IP rules, rate limits, TLS).
        .target(
            name: "LabBoxServer",
            dependencies: [
                "Embedded",
                "LabBoxPlatform",
                "LabBoxValues",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            swiftSettings: instrumented
        ),

        // Platform: configuration, the database, the audit trail and signatures, cache, jobs and
        // the scheduler, mail, a webhook's POST, backups, search indexes, observability. Nothing of
        // serving HTTP or of the lab.
        .target(
            name: "LabBoxPlatform",
            dependencies: [
                "Embedded",
                "LabBoxValues",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: instrumented
        ),

        // Values: ids, days and timestamps, CIDR, cron expressions, barcodes, JSON text, the error a
        // client can act on. No I/O, no server, no database; only Foundation.
        .target(name: "LabBoxValues", swiftSettings: instrumented),

        // Resources/ assembled into the binary (CEmbedded) and read as Swift values (Embedded).
        .target(name: "Embedded", dependencies: ["CEmbedded"]),
        .target(name: "CEmbedded", plugins: ["EmbedPlugin"]),
        .executableTarget(name: "EmbedGenerator"),
        .plugin(
            name: "EmbedPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedGenerator"],
            path: "Sources/EmbedPlugin"
        ),

        .testTarget(
            name: "LabBoxTests",
            dependencies: ["LabBoxApp", "Embedded"] + features + [
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                // Opens the subject-access export as a person's unzip would; hostile archives for
                // the library's import.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
    ]
)

/// `scripts/fuzz` sets LABBOX_FUZZ=1 for its build of `labbox-fuzz` (docs/decisions/0022).
var fuzzing: Bool { Context.environment["LABBOX_FUZZ"] == "1" }

/// libFuzzer's coverage for the floors whose parsers are fuzzed, and only those: `-Xswiftc` would
/// also reach the EmbedGenerator build tool, which cannot run with libFuzzer's runtime linked in.
var instrumented: [SwiftSetting] { fuzzing ? [.unsafeFlags(["-sanitize=fuzzer"])] : [] }

/// Every feature target, for the composition root and the tests.
var features: [Target.Dependency] {
    [
        "Privacy", "Home", "Reports", "Billing", "Search", "Labels", "Genomics", "Results", "Reproduction", "Biobank",
        "Animals",
        "Customers", "CustomFields", "Collaboration", "Attachments", "Administration", "LabBoxServer", "LabBoxPlatform",
        "LabBoxValues",
    ]
}

/// A lab feature: it builds on the server, platform and values floors and on `features` below it,
/// and on the `products` of its own.
func feature(_ name: String, _ features: [Target.Dependency] = [], products: [Target.Dependency] = []) -> Target {
    .target(
        name: name,
        dependencies: features + products + [
            "LabBoxServer",
            "LabBoxPlatform",
            "LabBoxValues",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "SwiftCSV", package: "SwiftCSV"),
        ]
    )
}
