import LabBoxPlatform

/// The reproduction stores, built once from the settings.
package struct ReproductionStores: Sendable {
    package let lab: ReproductionStore
    package let embryos: EmbryoStore
    package let transfers: TransferStore
    package let semen: SemenStore
    package let shipments: ShipmentStore
    package let flushes: FlushStore
    package let superovulations: SuperovulationStore
    package let certificates: CertificateStore
    package let recipients: RecipientStore

    package init(database: AppDatabase, config: AppConfig) {
        lab = ReproductionStore(database: database)
        embryos = EmbryoStore(database: database, settings: config.reproduction, sampleKinds: config.sampleKinds)
        transfers = TransferStore(database: database, settings: config.reproduction)
        semen = SemenStore(
            database: database, sampleKinds: config.sampleKinds, minPostThawMotility: config.minPostThawMotility)
        shipments = ShipmentStore(database: database, species: config.species, sampleKinds: config.sampleKinds)
        flushes = FlushStore(database: database)
        superovulations = SuperovulationStore(database: database, species: config.species)
        certificates = CertificateStore(
            database: database, centre: config.labName, approvalNumber: config.labApprovalNumber)
        recipients = RecipientStore(database: database, settings: config.reproduction)
    }
}
