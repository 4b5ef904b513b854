import Foundation
import Logging
import ServiceLifecycle

/// Runs queued jobs on a fixed number of workers until the server stops.
///
/// At start it first settles runs that a crash or kill cut short. On a graceful stop the running
/// jobs are cancelled at their next checkpoint (rolling their work back) and settled the same way,
/// so a stop and a crash leave the same state behind.
package struct JobRunner: Service {
    package let queue: JobQueue
    package let workers: Int
    package var pollInterval: Duration = .milliseconds(500)
    package let logger = Logger(label: "labbox.jobs")

    package func run() async throws {
        for job in try await queue.recoverInterrupted() {
            logger.notice("job \(job.id ?? 0) (\(job.type)) was cut short: \(job.state.rawValue)")
        }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for _ in 0..<workers {
                    group.addTask { await work() }
                }
            }
        }
    }

    private func work() async {
        while !Task.isCancelled {
            do {
                if let job = try await queue.claim() {
                    await execute(job)
                } else {
                    try await Task.sleep(for: pollInterval)
                }
            } catch is CancellationError {
                return
            } catch {
                logger.error("job queue: \(error)")
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }

    package func execute(_ job: Job) async {
        let execution = JobExecution(job: job, database: queue.database, dataDirectory: queue.dataDirectory)
        queue.track(execution)
        defer { queue.untrack(execution) }
        let flusher = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                try await queue.flush(execution)
            }
        }
        let ending = await run(execution)
        flusher.cancel()
        _ = await flusher.result
        if !ending.isSuccess {
            // A run that did not succeed leaves no partial result behind.
            try? FileManager.default.removeItem(at: execution.resultDirectory)
        }
        // Settle in a task of its own: when the server is stopping this task is already cancelled,
        // and the ending must still be written.
        let written = await Task { [queue] in try await queue.finish(execution, ending) }.result
        if case .failure(let error) = written {
            logger.error("job \(execution.id): could not record its end: \(error)")
        }
    }

    private func run(_ execution: JobExecution) async -> JobQueue.Ending {
        let job = execution.job
        guard let kind = queue.kind(job.type) else { return .failed("LabBox has no job type '\(job.type)'.") }
        do {
            try execution.checkpoint()
            let outcome = try await kind.run(execution)
            logger.info("job \(execution.id) (\(job.type)) succeeded")
            return .succeeded(outcome)
        } catch let error where error is CancellationError || (error is JobCancelled && Task.isCancelled) {
            return kind.onInterrupt == .retry && job.attempts < job.maxAttempts
                ? .retry("Stopped with the server", after: .zero) : .interrupted("Stopped with the server")
        } catch is JobCancelled {
            execution.log("Cancelled by request")
            return .cancelled
        } catch let failure as JobFailure where failure.retryable && job.attempts < job.maxAttempts {
            let delay = queue.retryBase * (1 << min(job.attempts - 1, 16))
            execution.log("Attempt \(job.attempts) failed: \(failure.message)")
            return .retry(failure.message, after: delay)
        } catch {
            logger.error("job \(execution.id) (\(job.type)) failed: \(error)")
            execution.log("Failed: \(error)")
            return .failed(String(describing: error))
        }
    }

    package init(queue: JobQueue, workers: Int, pollInterval: Duration = .milliseconds(500)) {
        self.queue = queue
        self.workers = workers
        self.pollInterval = pollInterval
    }
}
