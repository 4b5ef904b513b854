import Administration
import Animals
import Attachments
import Billing
import Biobank
import Collaboration
import CustomFields
import Customers
import Foundation
import Genomics
import Home
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import LabBoxPlatform
import LabBoxServer
import Labels
import Logging
import Privacy
import Reports
import Reproduction
import Results
import Search
import ServiceLifecycle

/// Everything the HTTP server needs, built once by `labbox serve` and by every test.
package struct AppServices: Sendable {
    package let config: AppConfig
    package let database: AppDatabase
    package let pages: PageRenderer
    package let assets: StaticAssets
    package let identity: Identity
    package let setup = FirstRunSetup()
    package let ipBlocks: IPBlocks
    package let jobs: JobQueue
    package let scheduler: Scheduler
    package let backups: Backups
    package let samples: SampleStore
    package let attachments: AttachmentStore

    package init(config: AppConfig, database: AppDatabase) throws {
        self.config = config
        self.database = database
        self.assets = StaticAssets()
        self.pages = try PageRenderer(assets: assets, time: config.labTime)
        self.identity = Identity(database: database, config: config)
        self.ipBlocks = try IPBlocks(database: database)
        self.samples = SampleStore(database: database, species: config.species, kinds: config.sampleKinds)
        self.attachments = AttachmentStore(config: config, database: database)
        self.jobs = JobQueue(
            database: database, dataDirectory: config.dataDirectory, retryBase: .seconds(config.jobRetrySeconds),
            finished: Notification.jobFinished)
        self.scheduler = Scheduler(queue: jobs, configured: config.schedules)
        self.backups = Backups(database: database, dataDirectory: config.dataDirectory, key: config.backupKey)
        let backupJobs = BackupJobs(
            backups: backups, keepDaily: config.backupKeepDaily, keepWeekly: config.backupKeepWeekly)
        let retention = Retention(queue: jobs, keepJobDays: config.jobKeepDays)
        let reminders = TankReminders(fillDays: config.ln2FillDays, time: config.labTime)
        let pregnancyReminders = PregnancyReminders(settings: config.reproduction)
        let taskReminders = TaskReminders(time: config.labTime)
        let sampleCSV = SampleCSV(store: samples)
        let customerCSV = CustomerCSV(store: CustomerStore(database: database))
        let animalCSV = AnimalCSV(store: AnimalStore(database: database, species: config.species))
        let capture = ChargeCapture(database: database)
        let dunning = Dunning(database: database, settings: config.billing)
        let priceList = PriceListCSV(store: PriceListStore(database: database, settings: config.billing))
        for kind in [
            backupJobs.create, backupJobs.verify, retention.job, reminders.job, pregnancyReminders.job,
            taskReminders.job, capture.job, dunning.job, StorageAccrual(database: database).job,
            ReportMail(database: database, pages: pages).job, AuditVerification(database: database).job,
            PersonalDataRetention(erasure: Erasure(config, database)).job,
            priceList.importer.job(noun: "services", permission: "billing:write"),
            sampleCSV.export(days: config.labTime).job,
            sampleCSV.importer.job(noun: "samples"),
            customerCSV.importer.job(noun: "customers"), customerCSV.export.job,
            animalCSV.importer.job(noun: "animals"), animalCSV.export.job,
        ] + ListExports(database: database).jobs {
            jobs.register(kind)
        }
        for task in [
            BackupJobs.nightly, Retention.schedule, TankReminders.schedule, PregnancyReminders.schedule,
            TaskReminders.schedule, ChargeCapture.schedule, Dunning.schedule, StorageAccrual.schedule,
            ReportMail.schedule, PersonalDataRetention.schedule,
        ] {
            scheduler.register(task)
        }
    }

    /// What runs beside the HTTP server: the job workers, the scheduler, the search indexer, the
    /// mail outbox, the webhooks and the monitoring gauges.
    package var background: [any Service] {
        [
            JobRunner(queue: jobs, workers: config.jobWorkers), scheduler,
            HealthGauges(database: database, backups: backups),
            SearchIndexer(database: database, indexes: [Sample.searchIndex].compactMap { $0 }),
            OutboxSender(
                database: database, settings: config.smtp, retryBase: .seconds(config.smtpRetrySeconds)),
            WebhookSender(database: database, retryBase: .seconds(config.webhookRetrySeconds)),
        ]
    }
}

extension AttachableRecords {
    /// The records files, tasks, comments and notes can belong to: each feature declares its own
    /// (`Animal.attachable`); Attachments and Collaboration, beneath them all, learn them here
    /// (decisions 0031, 0034).
    package static let lab = AttachableRecords([
        Animal.attachable, Customer.attachable, Sample.attachable, LabOrder.attachable, Transfer.attachable,
        Invoice.attachable, LabTask.attachable,
    ])
}

extension Erasure {
    package init(_ config: AppConfig, _ database: AppDatabase) {
        self.init(
            database: database, files: AttachmentFiles(dataDirectory: config.dataDirectory), settings: config.privacy)
    }
}

extension AttachmentStore {
    package init(config: AppConfig, database: AppDatabase) {
        self.init(
            database: database, files: AttachmentFiles(dataDirectory: config.dataDirectory), records: .lab,
            maxBytes: config.attachmentMaxBytes)
    }
}

/// The router with LabBox's middleware stack and every controller's routes.
///
/// Middleware order, outermost first: request id (so all later logs carry it), the client's address
/// (behind a trusted proxy, the forwarded one), access log and metrics (which must see the final
/// status), security headers and compression (applied to error pages too), error mapping, the IP
/// filter, host and origin checks, the body limit, authentication, abuse detection (which must know
/// whether the caller signed in, and see final statuses), and the rate limit (per key once the
/// caller is known). Authorization runs in the route group (see ``RouteTable/install(on:identity:)``),
/// after routing, because it needs to know which route matched.
package func buildRouter(_ services: AppServices) throws -> Router<AppRequestContext> {
    AppMetrics.bootstrap()
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: ClientAddressMiddleware(trustedProxies: services.config.trustedProxies))
    router.add(middleware: AccessLogMiddleware())
    router.add(middleware: RequestMetricsMiddleware())
    router.add(middleware: SecurityHeadersMiddleware(https: services.config.tlsMode != .off))
    router.add(middleware: CompressionMiddleware())
    router.add(middleware: ErrorMiddleware(pages: services.pages, database: services.database))
    router.add(
        middleware: IPFilterMiddleware(
            allow: services.config.ipAllow, deny: services.config.ipBlock, blocks: services.ipBlocks))
    router.add(
        middleware: HostAndOriginMiddleware(
            trustedHosts: services.config.trustedHosts, corsOrigins: services.config.corsOrigins))
    router.add(
        middleware: BodyLimitMiddleware(
            limit: services.config.maxBodyBytes, uploadLimit: services.config.attachmentMaxBytes))
    router.add(middleware: AuthenticationMiddleware(identity: services.identity))
    router.add(
        middleware: AbuseDetectionMiddleware(
            blocks: services.ipBlocks, blockDuration: TimeInterval(services.config.autoBlockMinutes * 60)))
    router.add(
        middleware: RateLimitMiddleware(
            limiter: RateLimiter(
                perSecond: services.config.requestsPerSecond, burst: services.config.requestBurst)))

    buildRoutes(services).install(on: router, identity: services.identity)
    return router
}

/// Every controller's routes, each declared once with its permission (and, for the JSON API, its
/// documentation) in one table.
package func buildRoutes(_ services: AppServices) -> RouteTable {
    let routes = RouteTable()
    let pages = services.pages
    let identity = services.identity
    HealthController(database: services.database, metricsToken: services.config.metricsToken)
        .addRoutes(to: routes)
    OpenAPIController(pages: pages).addRoutes(to: routes)
    services.assets.addRoutes(to: routes)
    HomeController(
        database: services.database, pages: pages,
        queue: WorkQueue(
            database: services.database, fillDays: services.config.ln2FillDays,
            reproduction: services.config.reproduction, billing: services.config.billing,
            time: services.config.labTime)
    ).addRoutes(to: routes)
    LoginController(
        identity: identity, pages: pages, setup: services.setup, secureCookies: services.config.tlsMode != .off
    )
    .addRoutes(to: routes)
    AuthAPIController(identity: identity).addRoutes(to: routes)
    SessionsController(identity: identity, pages: pages).addRoutes(to: routes)
    APIKeysController(identity: identity, pages: pages).addRoutes(to: routes)
    let accountMail = services.config.linkBase.map {
        AccountMail(linkBase: $0, labName: services.config.labName, time: services.config.labTime)
    }
    UsersController(identity: identity, pages: pages, welcome: accountMail).addRoutes(to: routes)
    PasswordController(
        identity: identity, pages: pages, https: services.config.tlsMode != .off,
        mail: accountMail
    ).addRoutes(to: routes)
    TwoFactorController(identity: identity, pages: pages).addRoutes(to: routes)
    let customers = CustomerStore(database: services.database)
    CustomersAPIController(store: customers, jobs: services.jobs).addRoutes(to: routes)
    let animals = AnimalStore(database: services.database, species: services.config.species)
    AnimalsAPIController(store: animals, jobs: services.jobs).addRoutes(to: routes)
    AnimalsWebController(
        store: animals,
        links: [
            .animalSamples, .animalStoredSamples, .animalEmbryos, .animalDonorSessions, .animalRecipients,
            .animalTransfers, .animalResults, .animalEmbryoCertificates, .animalHealthCertificates,
        ], pages: pages
    ).addRoutes(to: routes)
    let samples = services.samples
    SamplesAPIController(store: samples, identity: identity, time: pages.time).addRoutes(to: routes)
    let storage = StorageStore(database: services.database)
    SamplesWebController(
        store: samples, storage: storage, links: [.sampleShipments, .sampleCertificates], identity: identity,
        pages: pages
    ).addRoutes(to: routes)
    SampleCSVController(csv: SampleCSV(store: samples), jobs: services.jobs, pages: pages).addRoutes(to: routes)
    StorageAPIController(store: storage).addRoutes(to: routes)
    StorageWebController(store: storage, pages: pages).addRoutes(to: routes)
    InventoryController(database: services.database, pages: pages).addRoutes(to: routes)
    LabelsController(samples: samples, storage: storage, pages: pages).addRoutes(to: routes)
    let reproduction = ReproductionStores(database: services.database, config: services.config)
    SemenAPIController(semen: reproduction.semen).addRoutes(to: routes)
    OPUAndIVFAPIController(lab: reproduction.lab).addRoutes(to: routes)
    EmbryosAPIController(embryos: reproduction.embryos).addRoutes(to: routes)
    TransfersAPIController(transfers: reproduction.transfers, identity: identity).addRoutes(to: routes)
    StatisticsAPIController(database: services.database, time: pages.time).addRoutes(to: routes)
    ReproductionWebController(stores: reproduction, pages: pages).addRoutes(to: routes)
    EmbryosWebController(embryos: reproduction.embryos).addRoutes(to: routes)
    TransferWebController(stores: reproduction, identity: identity, pages: pages).addRoutes(to: routes)
    StatisticsWebController(database: services.database, pages: pages).addRoutes(to: routes)
    SemenWebController(store: reproduction.semen, pages: pages).addRoutes(to: routes)
    ShipmentsAPIController(store: reproduction.shipments).addRoutes(to: routes)
    ShipmentsWebController(store: reproduction.shipments, pages: pages).addRoutes(to: routes)
    FlushesAPIController(flushes: reproduction.flushes, superovulations: reproduction.superovulations, time: pages.time)
        .addRoutes(to: routes)
    FlushesWebController(flushes: reproduction.flushes, superovulations: reproduction.superovulations, pages: pages)
        .addRoutes(to: routes)
    CertificatesAPIController(store: reproduction.certificates).addRoutes(to: routes)
    CertificatesWebController(store: reproduction.certificates, pages: pages).addRoutes(to: routes)
    RecipientsAPIController(store: reproduction.recipients, time: pages.time).addRoutes(to: routes)
    RecipientsWebController(store: reproduction.recipients, pages: pages).addRoutes(to: routes)
    let catalog = CatalogStore(
        database: services.database, sampleKinds: services.config.sampleKinds, species: services.config.species)
    let results = ResultStore(
        database: services.database, verificationsRequired: services.config.verificationsRequired,
        mail: ResultsMail(config: services.config, pages: pages))
    ResultsAPIController(catalog: catalog, results: results, identity: identity).addRoutes(to: routes)
    CustomersWebController(
        store: customers,
        links: [
            .customerAnimals, .customerSamples, .customerStoredSamples, .customerOrders, .customerTransfers,
            .customerInvoices,
        ], pages: pages
    ).addRoutes(to: routes)
    ResultsWebController(catalog: catalog, results: results, samples: samples, identity: identity, pages: pages)
        .addRoutes(to: routes)
    ResultsDeliveryController(results: results, pages: pages).addRoutes(to: routes)
    CatalogWebController(store: catalog, pages: pages).addRoutes(to: routes)
    ResultsStatsController(database: services.database, pages: pages).addRoutes(to: routes)
    let savedReports = SavedReportStore(database: services.database)
    SavedReportsAPIController(store: savedReports, mail: ReportMail(database: services.database, pages: pages))
        .addRoutes(to: routes)
    SavedReportsWebController(store: savedReports, pages: pages).addRoutes(to: routes)
    let genotypes = GenotypeStore(database: services.database)
    let billing = services.config.billing
    let prices = PriceListStore(database: services.database, settings: billing)
    let charges = ChargeStore(database: services.database, settings: billing)
    let capture = ChargeCapture(database: services.database)
    let invoices = InvoiceStore(
        database: services.database, settings: billing,
        seller: (services.config.labName, services.config.labAddress))
    let payments = PaymentStore(database: services.database, settings: billing)
    PriceListAPIController(prices: prices, charges: charges, capture: capture).addRoutes(to: routes)
    InvoicesAPIController(invoices: invoices, payments: payments).addRoutes(to: routes)
    BillingWebController(
        prices: prices, charges: charges, capture: capture, invoices: invoices, payments: payments,
        customers: customers, pages: pages
    ).addRoutes(to: routes)
    let office = BillingOffice(database: services.database, invoices: invoices, payments: payments, pages: pages)
    BillingOfficeAPIController(office: office).addRoutes(to: routes)
    BillingOfficeWebController(office: office, pages: pages).addRoutes(to: routes)
    let reports = ReportStore(database: services.database, settings: billing)
    let accrual = StorageAccrual(database: services.database)
    ReportsAPIController(
        reports: reports, invoices: invoices, accrual: accrual, priceList: PriceListCSV(store: prices),
        jobs: services.jobs
    ).addRoutes(to: routes)
    ReportsWebController(reports: reports, invoices: invoices, accrual: accrual, pages: pages).addRoutes(to: routes)
    GenomicsAPIController(store: genotypes, thresholds: services.config.parentage).addRoutes(to: routes)
    let attachments = services.attachments
    AttachmentsAPIController(store: attachments).addRoutes(to: routes)
    AttachmentsWebController(store: attachments).addRoutes(to: routes)
    let tasks = TaskStore(database: services.database, records: .lab, time: services.config.labTime)
    TasksAPIController(store: tasks).addRoutes(to: routes)
    TasksWebController(store: tasks, pages: pages).addRoutes(to: routes)
    let comments = CommentStore(database: services.database, records: .lab)
    let notes = NoteStore(database: services.database, records: .lab, time: services.config.labTime)
    CommentsAPIController(store: comments).addRoutes(to: routes)
    NotesAPIController(store: notes).addRoutes(to: routes)
    ActivityWebController(comments: comments, notes: notes).addRoutes(to: routes)
    let library = LibraryStore(database: services.database)
    LibraryAPIController(store: library, identity: services.identity).addRoutes(to: routes)
    LibraryWebController(store: library, identity: services.identity, pages: pages).addRoutes(to: routes)
    GenomicsWebController(store: genotypes, thresholds: services.config.parentage, pages: pages).addRoutes(to: routes)
    SearchController(store: SearchStore(database: services.database), pages: pages).addRoutes(to: routes)
    AuditController(
        store: AuditStore(database: services.database), users: services.identity.users, queue: services.jobs,
        pages: pages
    ).addRoutes(to: routes)
    SecurityEventsController(database: services.database, blocks: services.ipBlocks, pages: pages)
        .addRoutes(to: routes)
    JobsController(queue: services.jobs, pages: pages).addRoutes(to: routes)
    SchedulesController(scheduler: services.scheduler, pages: pages).addRoutes(to: routes)
    BackupsController(
        backups: services.backups, queue: services.jobs, pages: pages, warnAfterHours: services.config.backupWarnHours
    ).addRoutes(to: routes)
    NotificationsController(database: services.database, pages: pages).addRoutes(to: routes)
    OutboxController(database: services.database, configured: services.config.smtp != nil, pages: pages)
        .addRoutes(to: routes)
    MailTemplatesController(templates: MailTemplates(database: services.database), pages: pages).addRoutes(to: routes)
    let privacy = PrivacyAPIController(
        consents: ConsentStore(database: services.database),
        export: SubjectExport(database: services.database, files: attachments.files),
        erasure: Erasure(services.config, services.database), store: PrivacyStore(database: services.database))
    privacy.addRoutes(to: routes)
    PrivacyWebController(api: privacy, settings: services.config.privacy, pages: pages).addRoutes(to: routes)
    let webhooks = WebhookStore(database: services.database)
    WebhooksAPIController(store: webhooks).addRoutes(to: routes)
    WebhooksWebController(store: webhooks, pages: pages).addRoutes(to: routes)
    let customFields = CustomFieldStore(database: services.database, species: services.config.species)
    CustomFieldsAPIController(store: customFields).addRoutes(to: routes)
    CustomFieldsWebController(store: customFields, pages: pages).addRoutes(to: routes)
    SystemController(services: services).addRoutes(to: routes)
    ListExports(database: services.database).addRoutes(to: routes, jobs: services.jobs)
    return routes
}

package func buildApplication(
    _ services: AppServices,
    router: Router<AppRequestContext>? = nil,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let tls = try TLSSetup.configuration(for: services.config)
    let http1 = HTTP1Channel.Configuration(idleTimeout: .seconds(Int64(services.config.idleTimeoutSeconds)))
    return Application(
        router: try router ?? buildRouter(services),
        server: try tls.map { try .tls(.http1(configuration: http1), tlsConfiguration: $0) }
            ?? .http1(configuration: http1),
        configuration: .init(
            address: .hostname(services.config.host, port: services.config.port), serverName: nil),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? services.config.port) },
        logger: Logger(label: "labbox.http")
    )
}
