import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The package's folder (this file is `Tests/LabBoxTests/Support/Subprocess.swift`), for what tests
/// use beside the code: the SMTP sink, the packaging scripts.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// Runs the `labbox` executable as a separate process, as an operator would.
struct LabBoxProcess {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The debug `labbox` that `swift test` built next to the test bundle.
    static var debugBinary: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("labbox").path
    }

    /// Waits on a thread of its own: a command can take seconds (a backup, a package build), and
    /// waiting on one of the two threads every test of the process shares (2 cores) stalled the
    /// others until their timing checks and live servers failed.
    static func run(
        _ arguments: [String], binary: String = debugBinary, directory: String? = nil,
        environment: [String: String] = [:], stdin: String? = nil
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Swift.Result {
                        try wait(
                            arguments, binary: binary, directory: directory, environment: environment, stdin: stdin)
                    })
            }
        }
    }

    private static func wait(
        _ arguments: [String], binary: String, directory: String?, environment: [String: String], stdin: String?
    ) throws -> Result {
        let child = try ChildProcess(
            binary, arguments, directory: directory,
            environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LABBOX_") }
                .merging(environment) { _, new in new },
            stdin: true)
        child.input?.write(Data((stdin ?? "").utf8))
        try child.input?.close()
        let outData = child.output.readDataToEndOfFile()
        let errData = child.errors?.readDataToEndOfFile() ?? Data()
        return Result(
            status: child.waitForExit(), stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A `labbox serve` child process on a free loopback port.
final class RunningServer {
    let child: ChildProcess
    let port: Int
    private let log = LogCollector()

    init(
        binary: String = LabBoxProcess.debugBinary, directory: String, arguments: [String] = [],
        environment: [String: String] = [:]
    ) throws {
        child = try ChildProcess(
            binary, ["serve", "--port", "0"] + arguments, directory: directory,
            environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LABBOX_") }
                .merging(environment) { _, new in new },
            errors: .merged)
        let log = self.log
        child.output.readabilityHandler = { handle in log.append(handle.availableData) }
        let deadline = Date().addingTimeInterval(30)
        var found: Int?
        while found == nil, Date() < deadline, child.isRunning {
            found = log.text.firstMatch(of: /ready at https?:\/\/127\.0\.0\.1:(\d+)\//).flatMap { Int($0.1) }
            if found == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        guard let found else {
            child.signal()
            throw ServerStartError(log: log.text)
        }
        port = found
    }

    var logText: String { log.text }

    func get(_ path: String) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// Sends SIGTERM and waits for the exit status.
    func terminate() -> Int32 {
        child.signal()
        let status = child.waitForExit()
        child.output.readabilityHandler = nil
        return status
    }

    deinit {
        child.signal()
    }
}

struct ServerStartError: Error, CustomStringConvertible {
    let log: String
    var description: String { "labbox serve did not become ready:\n\(log)" }
}

final class LogCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
