import Foundation
import Testing

/// Files LabBox writes are never readable by other users of the box (issue 20, Low), also when it
/// runs outside the Debian package's systemd unit.
@Suite struct FilePermissionsTests {
    @Test func theDataDirectoryIsClosedToOtherUsers() async throws {
        let directory = try TemporaryDirectory()
        let data = directory.path + "/labbox-data"
        let migrate = try await LabBoxProcess.run(["migrate", "--data", data])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        let backup = try await LabBoxProcess.run(["backup", "create", "--data", data])
        #expect(backup.status == 0, "\(backup.stderr)")
        var checked = 0
        let enumerator = try #require(FileManager.default.enumerator(atPath: data))
        for case let path as String in enumerator {
            let attributes = try FileManager.default.attributesOfItem(atPath: data + "/" + path)
            let mode = try #require(attributes[.posixPermissions] as? Int)
            #expect(mode & 0o007 == 0, "\(path) is \(String(mode, radix: 8))")
            checked += 1
        }
        #expect(checked >= 3)
    }
}
