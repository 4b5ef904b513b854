import Foundation
import LabBoxValues
import Logging
import Synchronization

/// Writes each log record as one JSON object per line on stdout, for journald and log shippers.
///
/// Every request logs a line, so the line is written as bytes directly (keys sorted, strings
/// escaped as `JSONSerialization` escaped them, so the format is the one it gave) and handed to
/// ``LogSink``, which writes it out on its own thread: `JSONSerialization` of a `[String: Any]`, a
/// date format style and a `write` per line on the request's thread cost more than `/healthz` itself.
package struct JSONLogHandler: LogHandler {
    package var logLevel: Logger.Level = .info
    package var metadata: Logger.Metadata = [:]
    package let label: String
    private let sink: LogSink

    package init(label: String, sink: LogSink = .standardOutput) {
        self.label = label
        self.sink = sink
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        sink.write(line(event, at: Date()))
    }

    /// One line, newline included: metadata replace the fixed fields of the same name except
    /// `source`, as in the dictionary this handler used to serialise.
    package func line(_ event: LogEvent, at time: Date) -> [UInt8] {
        // The keys are gathered and sorted, and each value is read where it is when it is written,
        // rather than every value copied into a list of fields first (a line per request).
        let eventMetadata = event.metadata ?? [:]
        let source = event.level >= .error
        var keys: [String] = []
        keys.reserveCapacity(metadata.count + eventMetadata.count + Self.fixedKeys.count + 1)
        keys.append(contentsOf: eventMetadata.keys)
        for key in metadata.keys where eventMetadata[key] == nil { keys.append(key) }
        if source && !keys.contains("source") { keys.append("source") }
        for key in Self.fixedKeys where !keys.contains(key) { keys.append(key) }
        keys.sort()
        var line: [UInt8] = []
        line.reserveCapacity(256)
        line.append(UInt8(ascii: "{"))
        for (index, key) in keys.enumerated() {
            if index > 0 { line.append(UInt8(ascii: ",")) }
            JSONText.append(key, to: &line, escapingSlashes: true)
            line.append(UInt8(ascii: ":"))
            if source && key == "source" {
                JSONText.append("\(event.file):\(event.line)", to: &line, escapingSlashes: true)
            } else if let value = eventMetadata[key] ?? metadata[key] {
                Self.append(value, to: &line)
            } else {
                switch key {
                case "ts":
                    line.append(UInt8(ascii: "\""))
                    time.appendRFC3339Milliseconds(to: &line)
                    line.append(UInt8(ascii: "\""))
                case "level": JSONText.append(event.level.rawValue, to: &line, escapingSlashes: true)
                case "msg": JSONText.append(event.message.description, to: &line, escapingSlashes: true)
                default: JSONText.append(label, to: &line, escapingSlashes: true)
                }
            }
        }
        line.append(contentsOf: "}\n".utf8)
        return line
    }

    private static let fixedKeys = ["ts", "level", "msg", "logger"]

    /// Integers and doubles as numbers, other values as text, lists and dictionaries as JSON.
    private static func append(_ value: Logger.Metadata.Value, to line: inout [UInt8]) {
        switch value {
        case .string(let string): JSONText.append(string, to: &line, escapingSlashes: true)
        case .stringConvertible(let convertible):
            if let number = convertible as? Int {
                line.append(contentsOf: String(number).utf8)
            } else if let number = convertible as? Double {
                line.append(contentsOf: JSONText.number(number).utf8)
            } else {
                JSONText.append(convertible.description, to: &line, escapingSlashes: true)
            }
        case .array(let values):
            line.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                append(value, to: &line)
            }
            line.append(UInt8(ascii: "]"))
        case .dictionary(let values):
            line.append(UInt8(ascii: "{"))
            for (index, (key, value)) in values.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                JSONText.append(key, to: &line, escapingSlashes: true)
                line.append(UInt8(ascii: ":"))
                append(value, to: &line)
            }
            line.append(UInt8(ascii: "}"))
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
        if format == .json {
            // Lines still in the sink when the process exits (a normal end or `exit`) are written first.
            atexit { LogSink.standardOutput.flush() }
        }
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
    }

    private static let bootstrapped = Mutex(false)
}
