import Biobank
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer

/// The hot paths that `Benchmarks/` measures with ordo-one/package-benchmark, behind a small
/// public surface: everything else in LabBox is visible inside this package only.
public final class HotPaths: Sendable {
    let database: AppDatabase
    let samples: SampleStore
    let keys: APIKeyStore
    let secret: String
    let page: SamplePage
    let deep: KeysetPosition

    /// A fresh data directory at `directory` with `count` demo samples and one API key.
    public init(directory: String, samples count: Int) async throws {
        var config = AppConfig()
        config.dataDirectory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = try AppDatabase(path: config.databasePath, config: config)
        _ = try database.migrations.apply(to: database.pool, backupDirectory: config.backupsDirectory)
        var demo = DemoData(sizes: .init(customers: 10, animals: 100, samples: count), seed: 1)
        _ = try await demo.generate(into: database, context: .commandLine)
        samples = SampleStore(database: database, species: config.species, kinds: config.sampleKinds)
        keys = APIKeyStore(database: database)
        secret = try await keys.create(
            name: "benchmark", scopes: ["samples:read"], owner: nil, expiresAt: nil, by: nil, event: .commandLine
        ).secret
        let first = try await samples.list(Self.filter, after: nil, limit: 50)
        page = SamplePage(items: first.items, customFields: [:], next: first.next)
        let middle = try await database.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT id FROM samples WHERE species = 'bovine' AND status = 'stored' LIMIT 1 OFFSET ?",
                arguments: [count / 4])
        }
        deep = KeysetPosition(id: middle ?? 0)
    }

    private static let filter = SampleStore.Filter(species: "bovine", status: .stored)

    /// The JSON of one `GET /api/v1/samples` page of 50, as the route writes it; returns its length.
    public func encodeSamplePage() -> Int {
        var json: [UInt8] = []
        for sample in page.items { sample.appendJSON(to: &json) }
        return json.count
    }

    /// What every API request does with its `Authorization` header: the key's principal (from the
    /// cache after the first lookup).
    public func lookUpKey() async throws -> Bool {
        try await keys.principal(secret: secret) != nil
    }

    /// One filtered keyset page from the middle of the set; returns its row count.
    public func deepPage() async throws -> Int {
        try await samples.list(Self.filter, after: deep, limit: 50).items.count
    }
}
