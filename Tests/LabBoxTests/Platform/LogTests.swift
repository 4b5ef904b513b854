import Foundation
import LabBoxApp
import LabBoxPlatform
import LabBoxValues
import Logging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct LogTests {
    /// The line the handler writes is the one `JSONSerialization` wrote of the same record (sorted
    /// keys, `/` escaped, integers and doubles as numbers), which log shippers already parse.
    @Test func logLinesAreWhatJSONSerializationWrote() throws {
        var handler = JSONLogHandler(label: "labbox.http", sink: LogSink(descriptor: -1, capacity: 0))
        handler[metadataKey: "request_id"] = .string("0123abcd")
        let time = Date(timeIntervalSince1970: 1_780_000_000.125)
        let cases: [(Logger.Level, Logger.Metadata)] = [
            (
                .info,
                [
                    "method": .string("GET"), "route": .string("/api/v1/samples/{id}"),
                    "status": .stringConvertible(200), "duration_ms": .stringConvertible(0.123),
                ]
            ),
            (.info, ["duration_ms": .stringConvertible(2.0), "flag": .stringConvertible(true)]),
            (
                .error,
                [
                    "error": .string("quote \" backslash \\ slash / newline \n tab \t bell \u{7} unit \u{1F} é ✓"),
                    "list": .array([.string("a"), .stringConvertible(1)]),
                    "nested": .dictionary(["b": .string("2"), "a": .stringConvertible(1.5)]),
                    "request_id": .string("overridden"), "msg": .string("metadata wins"),
                ]
            ),
        ]
        for (level, metadata) in cases {
            let event = LogEvent(
                level: level, message: "request", metadata: metadata, source: nil, file: "File.swift",
                function: "f", line: 7)
            var object: [String: Any] = [
                "ts": time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)),
                "level": level.rawValue, "msg": "request", "logger": "labbox.http",
            ]
            for (key, value) in handler.metadata.merging(metadata, uniquingKeysWith: { $1 }) {
                object[key] = Self.json(value)
            }
            if level >= .error { object["source"] = "File.swift:7" }
            var expected = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            expected.append(0x0A)
            #expect(
                String(decoding: handler.line(event, at: time), as: UTF8.self)
                    == String(decoding: expected, as: UTF8.self))
        }
    }

    /// The date arithmetic that replaced `gmtime_r` agrees with Foundation's format style, leap
    /// days, century years and dates before 1970 included.
    @Test func timesAreFoundationsISO8601() {
        var seconds: [Double] = [-86_400.5, -1, 0, 951_782_400.999, 4_107_456_000, 4_107_542_399.001]
        var generator = SplitMix64(seed: 3)
        for _ in 0..<2000 { seconds.append(Double(generator.next(8_000_000_000_000)) / 1000 - 1_000_000_000) }
        for second in seconds {
            let date = Date(timeIntervalSince1970: second)
            var bytes: [UInt8] = []
            date.appendRFC3339Milliseconds(to: &bytes)
            let milliseconds = Int64((second * 1000 + 0.001).rounded(.down))
            let (whole, fraction) = (
                milliseconds - ((milliseconds % 1000) + 1000) % 1000, ((milliseconds % 1000) + 1000) % 1000
            )
            let expected =
                Date(timeIntervalSince1970: Double(whole / 1000)).formatted(.iso8601).dropLast()
                + "." + String(String(fraction + 1000).dropFirst()) + "Z"
            #expect(String(decoding: bytes, as: UTF8.self) == expected, "\(second)")
            #expect(date.rfc3339MillisecondsText == expected)
        }
    }

    /// Lines reach the descriptor in order; a line the buffer cannot take is dropped and counted,
    /// not waited for.
    @Test func theSinkWritesInOrderAndCountsWhatItDrops() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let sink = LogSink(descriptor: ends[1], capacity: 64)
        let before = Self.dropped()
        for index in 0..<50 {
            sink.write(Array("line \(index)\n".utf8))
            if index % 5 == 4 { sink.flush() }
        }
        sink.write(Array(String(repeating: "x", count: 100).utf8))
        sink.flush()
        close(ends[1])
        let read = FileHandle(fileDescriptor: ends[0]).readDataToEndOfFile()
        #expect(String(decoding: read, as: UTF8.self) == (0..<50).map { "line \($0)\n" }.joined())
        #expect(Self.dropped() == before + 1)
    }

    private static func dropped() -> Int {
        let text = String(decoding: AppMetrics.render(), as: UTF8.self)
        let line = text.split(separator: "\n").first { $0.hasPrefix("labbox_log_dropped_lines_total ") }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    }

    private static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible):
            (convertible as? Int).map { $0 as Any } ?? (convertible as? Double).map { $0 as Any }
                ?? convertible.description
        case .array(let values): values.map(json)
        case .dictionary(let values): values.mapValues(json)
        }
    }
}
