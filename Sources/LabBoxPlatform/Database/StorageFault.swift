import Foundation
import GRDB
import LabBoxValues
import Synchronization

/// The disk under the database refusing writes, as opposed to a defect: the disk is full, or the
/// file system holding the data directory has turned read-only (ext4 does that itself after an
/// error). Both are answered as a clear refusal the operator can act on (507 and 503); reads keep
/// working, and nothing committed before is affected. The full disk needs nothing from LabBox to
/// recover: the next write after space returns succeeds.
package enum StorageFault: String, Sendable {
    case diskFull = "disk_full"
    case readOnly = "read_only"

    /// The storage fault behind `error`, if it is one. SQLite reports a full disk and a read-only
    /// database itself; a file system turned read-only under open files shows up as a plain I/O
    /// error, so for those the data directory is asked whether it still takes a new file.
    package static func of(_ error: any Error, dataDirectory: String) -> StorageFault? {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: return .diskFull
        case .SQLITE_READONLY: return .readOnly
        case .SQLITE_IOERR, .SQLITE_CANTOPEN: return probe(dataDirectory)
        default: return nil
        }
    }

    /// Creates and removes an empty file in `directory`: EROFS and ENOSPC name the fault.
    private static func probe(_ directory: String) -> StorageFault? {
        let path = "\(directory)/.labbox-write-probe-\(Secrets.token(bytes: 6))"
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        if descriptor >= 0 {
            close(descriptor)
            unlink(path)
            return nil
        }
        switch errno {
        case EROFS: return .readOnly
        case ENOSPC, EDQUOT: return .diskFull
        default: return nil
        }
    }

    /// The refusal a client receives: `{"error":{"code":"insufficient_storage"|"read_only",…}}`.
    package var apiError: APIError {
        switch self {
        case .diskFull:
            APIError(
                status: .insufficientStorage, code: "insufficient_storage",
                message: "The disk that holds LabBox's data is full, so nothing can be saved right now. "
                    + "Everything saved before is safe and can still be read. An administrator must free "
                    + "space on the server (old backups, logs); LabBox then saves again by itself.")
        case .readOnly:
            APIError(
                status: .serviceUnavailable, code: "read_only",
                message: "The disk that holds LabBox's data has become read-only, so nothing can be saved "
                    + "right now. Everything saved before is safe and can still be read. An administrator "
                    + "must check the disk (the system log says why) and restart LabBox.")
        }
    }
}

/// The last storage fault a database's writes met. A full disk can still take the small write
/// readiness probes with (it fits in WAL space already allocated) while every real write is
/// refused, so readiness also says "not ready" for a few seconds after a refused write.
package final class StorageFaultLog: Sendable {
    private let last = Mutex<(fault: StorageFault, at: ContinuousClock.Instant)?>(nil)

    package init() {}

    package func record(_ fault: StorageFault) {
        last.withLock { $0 = (fault, .now) }
    }

    /// The fault met within `window` of now, if any.
    package func recent(within window: Duration) -> StorageFault? {
        last.withLock { entry in
            guard let entry, ContinuousClock.now - entry.at < window else { return nil }
            return entry.fault
        }
    }
}
