import Dispatch
import Foundation
import Metrics
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Log lines on their way to a file descriptor: a request appends its line to a bounded buffer
/// and goes on; one thread writes the buffer out. When the reader (journald, a pipe) falls so far
/// behind that the buffer is full, lines are dropped and counted in
/// `labbox_log_dropped_lines_total` rather than holding requests back.
package final class LogSink: Sendable {
    package static let standardOutput = LogSink(descriptor: STDOUT_FILENO, capacity: 1 << 20)

    private let descriptor: Int32
    private let capacity: Int
    /// The lines not yet written, and whether the writer sleeps until the next line comes.
    private let pending = Mutex<(bytes: [UInt8], writerAsleep: Bool)>(([], true))
    /// Held while a batch goes out, with the buffer the next batch is swapped into (so neither
    /// buffer is allocated again): the writer thread and ``flush()`` at exit take turns, in order.
    private let writing = Mutex<[UInt8]>([])
    private let wake = DispatchSemaphore(value: 0)
    /// Registered with the other metrics (``AppMetrics/bootstrap()``), so that `/metrics` shows 0
    /// until a line is dropped.
    package static let dropped = AppMetrics.registry.makeCounter(
        descriptor: .labbox(
            "log_dropped_lines", unit: "total", help: "Log lines dropped because their reader did not keep up"))
    /// How long lines gather between two writes while lines keep coming.
    private static let gathering: TimeInterval = 0.005

    package init(descriptor: Int32, capacity: Int) {
        self.descriptor = descriptor
        self.capacity = capacity
        // While lines keep coming, the writer writes what gathered every few milliseconds and no
        // request wakes it: a wake-up per line (a futex call on the request's thread, a switch to
        // the writer and back) cost more than the line's formatting. Once a round finds nothing,
        // it sleeps until the next line wakes it.
        Thread.detachNewThread { [self] in
            while true {
                wake.wait()
                repeat {
                    flush()
                    Thread.sleep(forTimeInterval: Self.gathering)
                } while !pending.withLock { state in
                    state.writerAsleep = state.bytes.isEmpty
                    return state.writerAsleep
                }
            }
        }
    }

    /// Queues one line (newline included) without waiting for its output.
    package func write(_ line: [UInt8]) {
        let (accepted, wakeWriter) = pending.withLock { state -> (Bool, Bool) in
            guard state.bytes.count + line.count <= capacity else { return (false, false) }
            state.bytes.append(contentsOf: line)
            defer { state.writerAsleep = false }
            return (true, state.writerAsleep)
        }
        if !accepted {
            Self.dropped.increment()
        } else if wakeWriter {
            wake.signal()
        }
    }

    /// Writes everything queued so far, on the caller's thread.
    package func flush() {
        writing.withLock { batch in
            pending.withLock { swap(&$0.bytes, &batch) }
            defer { batch.removeAll(keepingCapacity: true) }
            var offset = 0
            while offset < batch.count {
                let written = batch.withUnsafeBytes { bytes in
                    Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else {
                    Self.dropped.increment(by: Int64(batch[offset...].count(where: { $0 == 0x0A })))
                    return
                }
                offset += written
            }
        }
    }
}
