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
        // A nil value stands for the time, written straight into the line.
        var fields: [(key: String, value: Logger.Metadata.Value?)] = []
        fields.reserveCapacity(metadata.count + (event.metadata?.count ?? 0) + 5)
        for (key, value) in metadata where event.metadata?[key] == nil { fields.append((key, value)) }
        for (key, value) in event.metadata ?? [:] { fields.append((key, value)) }
        if event.level >= .error {
            fields.removeAll { $0.key == "source" }
            fields.append(("source", .string("\(event.file):\(event.line)")))
        }
        let fixed: [(key: String, value: Logger.Metadata.Value?)] = [
            ("ts", nil), ("level", .string(event.level.rawValue)), ("msg", .string(event.message.description)),
            ("logger", .string(label)),
        ]
        for field in fixed where !fields.contains(where: { $0.key == field.key }) { fields.append(field) }
        fields.sort { $0.key < $1.key }
        var line: [UInt8] = []
        line.reserveCapacity(256)
        line.append(UInt8(ascii: "{"))
        for (index, field) in fields.enumerated() {
            if index > 0 { line.append(UInt8(ascii: ",")) }
            JSONText.append(field.key, to: &line, escapingSlashes: true)
            line.append(UInt8(ascii: ":"))
            if let value = field.value {
                Self.append(value, to: &line)
            } else {
                line.append(UInt8(ascii: "\""))
                time.appendRFC3339Milliseconds(to: &line)
                line.append(UInt8(ascii: "\""))
            }
        }
        line.append(contentsOf: "}\n".utf8)
        return line
    }

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
