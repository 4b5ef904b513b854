import Foundation
import Home
import Hummingbird
import LabBoxServer
import Logging
import ServiceLifecycle
import UnixSignals

/// Runs the HTTP server until SIGTERM/SIGINT, then shuts down in order: stop accepting, let
/// in-flight requests finish (bounded by `server.shutdown_timeout_seconds`), checkpoint the WAL and
/// close the database.
package enum Server {
    package static func run(
        _ services: AppServices,
        router: Router<AppRequestContext>? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        shutdownSignals: [UnixSignal] = [.sigterm, .sigint],
        onReady: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let logger = Logger(label: "labbox")
        let notifier = SystemdNotifier(environment: environment)
        let app = try buildApplication(services, router: router) { port in
            notifier.notify("READY=1\nSTATUS=serving on port \(port)")
            // The home page's figures are the hottest entry; compute them now, not on the first visit.
            Task { await Dashboard.warm(services.database) }
            await onReady(port)
        }
        var serviceList: [any Service] = [app] + services.background
        if let watchdog = WatchdogService(
            notifier: notifier, database: services.database, logger: logger, environment: environment)
        {
            serviceList.append(watchdog)
        }
        var configuration = ServiceGroupConfiguration(
            services: serviceList.map { .init(service: $0) },
            gracefulShutdownSignals: shutdownSignals,
            logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(services.config.shutdownTimeoutSeconds)
        try await ServiceGroup(configuration: configuration).run()
        notifier.notify("STOPPING=1")
        try services.database.close()
        logger.info("shutdown complete; database closed")
    }
}
