import Foundation
import GRDB
import LabBoxApp
import LabBoxPlatform
import LabBoxServer
import LabBoxValues
import Testing

/// Checks on `dist/labbox`, the binary a clinic receives. `scripts/test` builds it and points
/// `LABBOX_RELEASE_BINARY` at it; a plain `swift test` has no release build and skips these.
private let releaseBinary = ProcessInfo.processInfo.environment["LABBOX_RELEASE_BINARY"]

@Suite(.enabled(if: releaseBinary != nil, "set LABBOX_RELEASE_BINARY (scripts/test does)"))
struct ReleaseBinaryTests {
    private func binaryPath() throws -> String {
        let path = try #require(releaseBinary)
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    @Test func isAFullyStaticExecutableOfAtMost100MiB() async throws {
        let path = try binaryPath()
        let ldd = try await LabBoxProcess.run([path], binary: "/usr/bin/ldd")
        #expect((ldd.stdout + ldd.stderr).contains("not a dynamic executable"))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size <= 100 * 1024 * 1024)
    }

    @Test func runsAloneInAnEmptyDirectoryServingPagesAndAMigratedDatabase() async throws {
        let directory = try TemporaryDirectory()
        let copy = directory.path + "/labbox"
        try FileManager.default.copyItem(atPath: try binaryPath(), toPath: copy)
        #expect(try await LabBoxProcess.run(["version"], binary: copy, directory: directory.path).status == 0)

        let server = try RunningServer(binary: copy, directory: directory.path)
        #expect(server.logText.contains("/setup?token="))
        let (homeStatus, home) = try await server.get("/")
        #expect(homeStatus == 200)
        #expect(home.contains("<h1>Sign in</h1>"))
        let (cssStatus, css) = try await server.get("/static/app.css")
        #expect(cssStatus == 200)
        #expect(css.contains(":root"))
        let (readyStatus, _) = try await server.get("/readyz")
        #expect(readyStatus == 200)
        #expect(server.terminate() == 0)

        let contents = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(contents == ["labbox", "labbox-data"])
        let database = try DatabaseQueue(path: directory.path + "/labbox-data/labbox.db")
        let migrations = try await database.read {
            try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations")
        }
        #expect(migrations == Migrations.embedded.list.map(\.id))
    }

    @Test func debianPackageHoldsTheBinaryUnitAndConfig() async throws {
        let root = packageRoot.path
        let build = try await LabBoxProcess.run(
            [root + "/packaging/build-deb"], binary: "/bin/bash", directory: root)
        #expect(build.status == 0, "\(build.stderr)")
        let deb = root + "/" + build.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(deb.hasSuffix("_amd64.deb"))
        let listing = try await LabBoxProcess.run(["-c", deb], binary: "/usr/bin/dpkg-deb").stdout
        for path in ["./usr/bin/labbox", "./lib/systemd/system/labbox.service", "./etc/labbox/labbox.toml"] {
            #expect(listing.contains(path))
        }
        let control = try await LabBoxProcess.run(["-f", deb, "Package", "Version"], binary: "/usr/bin/dpkg-deb").stdout
        #expect(control.contains("Package: labbox"))
        #expect(control.contains("Version: \(BuildInfo.version)"))
        let scripts = try await LabBoxProcess.run(["-I", deb], binary: "/usr/bin/dpkg-deb").stdout
        #expect(scripts.contains("postinst"))
    }
}
