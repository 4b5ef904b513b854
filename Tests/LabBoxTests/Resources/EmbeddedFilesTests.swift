import Embedded
import Foundation
import Testing

/// The binary carries `Resources/` exactly as it is in the tree: every file, byte for byte, and
/// nothing else. A stale embedding (a template edited, the old one served) fails here.
@Suite struct EmbeddedFilesTests {
    @Test func everyResourceIsEmbeddedAsItIsOnDisk() throws {
        let resources = packageRoot.appendingPathComponent("Resources")
        let enumerator = try #require(
            FileManager.default.enumerator(at: resources, includingPropertiesForKeys: [.isRegularFileKey]))
        var onDisk: [String] = []
        for case let url as URL in enumerator
        where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            let path = String(url.standardizedFileURL.path.dropFirst(resources.standardizedFileURL.path.count + 1))
            onDisk.append(path)
            #expect(EmbeddedFiles.data(path) == (try Data(contentsOf: url)), "\(path)")
        }
        #expect(EmbeddedFiles.paths(under: "").sorted() == onDisk.sorted())
        #expect(onDisk.contains("static/app.css") && onDisk.contains { $0.hasPrefix("migrations/") })
    }

    @Test func theCommitAndItsDateAreRecorded() {
        #expect(EmbeddedFiles.commit.count == 40 || EmbeddedFiles.commit == "unknown")
        #expect(EmbeddedFiles.commitDate.hasPrefix("20") || EmbeddedFiles.commitDate == "unknown")
    }
}
