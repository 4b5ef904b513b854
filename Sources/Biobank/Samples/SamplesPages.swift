import Attachments
import Collaboration
import CustomFields
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `samples.mustache`.
struct SamplesPage: Encodable {
    struct Row: Encodable {
        let id: Int64
        let externalId: String
        let species: String
        let kind: String
        let status: String
        let statusLabel: String
        let collected: String
        let animal: String

        init(_ sample: Sample, time: LabTime) {
            id = sample.id ?? 0
            externalId = sample.externalId
            species = sample.species
            kind = sample.kind
            status = sample.status.rawValue
            statusLabel = sample.status.label
            collected = time.text(sample.collectedAt)
            animal = sample.animalId.map(String.init) ?? ""
        }
    }
    let samples: [Row]
    let empty: Bool
    let next: String?
    let sorts: [Choice]
    let firstPage: String?
    let exportQuery: String
    let species: [Choice]
    let kinds: [Choice]
    let statuses: [Choice]
    let q: String
    let animalId: String
    let ownerId: String
    let containerId: String
    let collectedFrom: String
    let collectedTo: String
    let canWrite: Bool
    let bulkStatuses: [Choice]
    let error: String?
}

/// The values of the sample form's fields, as `{{form.…}}` shows them again.
struct SampleFormValues: Encodable {
    let externalId: String
    let animalId: String
    let notes: String
    let collectedAt: String
    let reason: String
    let collectedBy: String
    let quantity: String
    let doses: String
    let parentBarcodes: String

    init(_ form: SamplesWebController.Form) {
        externalId = form.externalId
        animalId = form.animalId
        notes = form.notes ?? ""
        collectedAt = String(form.collectedAt.prefix(16))
        reason = form.reason
        collectedBy = form.collectedBy
        quantity = form.quantity
        doses = form.doses
        parentBarcodes = form.parentBarcodes
    }
}

/// `sample-new.mustache`.
struct SampleFormPage: Encodable {
    let form: SampleFormValues
    let units: [Choice]
    let relations: [Choice]
    let species: [Choice]
    let kinds: [Choice]
    let custom: CustomFieldForm
    let error: String?
}

/// `sample.mustache`, with its tabs.
struct SampleDetailPage: Encodable {
    struct Details: Encodable {
        let id: Int64
        let externalId: String
        let species: String
        let kind: String
        let status: String
        let statusLabel: String
        let collected: String
        let animal: String
        let notes: String
        let collectedBy: String
        let quantity: String
        let doses: String
        let freezeThaw: Int
        /// Nil when the sample is not in storage.
        let address: String?
        let containerId: Int64?

        init(_ sample: Sample, address: String?, time: LabTime) {
            let row = SamplesPage.Row(sample, time: time)
            (id, externalId, species, kind, status) = (row.id, row.externalId, row.species, row.kind, row.status)
            (statusLabel, collected, animal) = (row.statusLabel, row.collected, row.animal)
            notes = sample.notes
            collectedBy = sample.collectedBy
            quantity = sample.quantity.map { "\($0.formatted()) \(sample.unit)" } ?? ""
            doses = sample.doses.map(String.init) ?? ""
            freezeThaw = sample.freezeThawCount
            self.address = address
            containerId = sample.containerId
        }
    }
    /// A node of the recursive `lineage-node` partial. Every node has `has_links`: a leaf without
    /// it would take its parent's (see pedigree).
    struct LineageNode: Encodable {
        let id: Int64
        let externalId: String
        let kind: String
        let status: String
        let relation: String
        let hasLinks: Bool
        let links: [LineageNode]

        init(_ node: Lineage.Node) {
            (id, externalId, kind, status, relation) = (node.id, node.externalId, node.kind, node.status, node.relation)
            hasLinks = !node.links.isEmpty
            links = node.links.map(LineageNode.init)
        }
    }
    struct SignatureRow: Encodable {
        let signer: String
        let meaning: String
        let at: String
        let current: Bool
        let hash: String
    }
    struct Fact: Encodable {
        let label: String
        let value: String
    }
    let sample: Details
    let form: SampleFormValues
    /// The custom fields' values, and their inputs on the change form.
    let customFacts: [Fact]
    let custom: CustomFieldForm
    let error: String?
    let tabDetails: Bool
    let tabHistory: Bool
    let tabSignatures: Bool
    let tabLineage: Bool
    let ancestors: [LineageNode]
    let descendants: [LineageNode]
    let hasLineage: Bool
    let nextStatuses: [Choice]
    let history: [History.Row]
    let historyCount: Int
    let hasHistory: Bool
    let signatures: [SignatureRow]
    let signatureCount: Int
    let hasSignatures: Bool
    let meanings: [Choice]
    let canWrite: Bool
    let canSign: Bool
    let needsCode: Bool
    let attachments: AttachmentPanel?
    let activity: RecordActivity?
    let linked: [RecordLinks.Panel]
}
