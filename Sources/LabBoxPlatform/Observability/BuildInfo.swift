import Embedded
import GRDBSQLite

/// What `labbox version` reports and the pages show.
package enum BuildInfo {
    package static let version = "0.1.0"
    package static var commit: String { EmbeddedFiles.commit }
    package static var commitDate: String { EmbeddedFiles.commitDate }
    package static var sqliteVersion: String { String(cString: sqlite3_libversion()) }

    /// The compiler that built this binary (Package.swift needs 6.3 or later).
    package static var swiftVersion: String {
        #if compiler(>=6.4)
            "6.4 or later"
        #else
            "6.3"
        #endif
    }
}
