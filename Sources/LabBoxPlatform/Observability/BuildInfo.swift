import Embedded
import GRDBSQLite

/// What `labbox version` reports and the pages show.
package enum BuildInfo {
    package static let version = "0.1.0"
    package static var commit: String { EmbeddedFiles.commit }
    package static var commitDate: String { EmbeddedFiles.commitDate }
    package static var sqliteVersion: String { String(cString: sqlite3_libversion()) }

    package static var swiftVersion: String {
        #if compiler(>=6.3)
            "6.3"
        #elseif compiler(>=6.2)
            "6.2"
        #else
            "6.1"
        #endif
    }
}
