import Hummingbird
import Logging

/// Everything the HTTP server needs, built once by `labbox serve` and by every test.
struct AppServices: Sendable {
    let config: AppConfig
    let database: AppDatabase
    let pages: PageRenderer
    let assets: StaticAssets

    init(config: AppConfig, database: AppDatabase) throws {
        self.config = config
        self.database = database
        self.assets = StaticAssets()
        self.pages = try PageRenderer(assets: assets)
    }
}

/// The router with LabBox's middleware stack and every controller's routes.
///
/// Middleware order, outermost first: request id (so all later logs carry it), access log and
/// metrics (which must see the final status), security headers and compression (applied to error
/// pages too), error mapping, then the body limit closest to the handlers.
func buildRouter(_ services: AppServices) throws -> Router<AppRequestContext> {
    AppMetrics.bootstrap()
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: AccessLogMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: CompressionMiddleware())
    router.add(middleware: ErrorMiddleware(pages: services.pages))
    router.add(middleware: BodyLimitMiddleware(limit: services.config.maxBodyBytes))

    HealthController(database: services.database, metricsToken: services.config.metricsToken)
        .addRoutes(to: router)
    try OpenAPIController(pages: services.pages).addRoutes(to: router)
    services.assets.addRoutes(to: router)
    HomeController(database: services.database, pages: services.pages).addRoutes(to: router)
    return router
}

func buildApplication(
    _ services: AppServices,
    router: Router<AppRequestContext>? = nil,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    Application(
        router: try router ?? buildRouter(services),
        configuration: .init(
            address: .hostname(services.config.host, port: services.config.port), serverName: nil),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? services.config.port) },
        logger: Logger(label: "labbox.http")
    )
}
