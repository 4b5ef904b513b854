import Embedded
import GRDBSQLite

/// What `labbox version` reports and the pages show.
enum BuildInfo {
    static let version = "0.1.0"
    static var commit: String { EmbeddedFiles.commit }
    static var builtAt: String { EmbeddedFiles.builtAt }
    static var sqliteVersion: String { String(cString: sqlite3_libversion()) }

    static var swiftVersion: String {
        #if compiler(>=6.3)
            "6.3"
        #elseif compiler(>=6.2)
            "6.2"
        #else
            "6.1"
        #endif
    }
}
