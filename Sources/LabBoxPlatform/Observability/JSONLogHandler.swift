import Foundation
import Logging
import Synchronization

/// Writes each log record as one JSON object per line on stdout, for journald and log shippers.
package struct JSONLogHandler: LogHandler {
    package var logLevel: Logger.Level = .info
    package var metadata: Logger.Metadata = [:]
    package let label: String

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var object: [String: Any] = [
            "ts": Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)),
            "level": event.level.rawValue,
            "msg": event.message.description,
            "logger": label,
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged { object[key] = Self.json(value) }
        if event.level >= .error { object["source"] = "\(event.file):\(event.line)" }
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        line.append(0x0A)
        FileHandle.standardOutput.write(line)
    }

    private static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible):
            if let number = convertible as? Int {
                number
            } else if let number = convertible as? Double {
                number
            } else {
                convertible.description
            }
        case .array(let values): values.map(json)
        case .dictionary(let values): values.mapValues(json)
        }
    }
}

package enum LogSetup {
    /// Installs the process-wide log handler once; later calls (tests build many apps) change nothing.
    package static func bootstrap(format: AppConfig.LogFormat, level: Logger.Level) {
        let done = bootstrapped.withLock { done in
            defer { done = true }
            return done
        }
        guard !done else { return }
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
    }

    private static let bootstrapped = Mutex(false)
}
