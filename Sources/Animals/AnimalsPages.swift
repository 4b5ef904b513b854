import Attachments
import Collaboration
import CustomFields
import LabBoxPlatform
import LabBoxServer

/// `animals.mustache`.
struct AnimalsPage: Encodable {
    struct Row: Encodable {
        let id: Int64
        let label: String
        let species: String
        let sex: String
        let breed: String
        let birthDate: String
        let status: String
        let deleted: Bool

        init(_ animal: Animal) {
            id = animal.id ?? 0
            label = animal.label
            species = animal.species
            sex = animal.sex.rawValue
            breed = animal.breed
            birthDate = animal.birthDate ?? ""
            status = animal.status.rawValue
            deleted = animal.deletedAt != nil
        }
    }
    let animals: [Row]
    let empty: Bool
    let q: String
    let species: [Choice]
    let sexes: [Choice]
    let statuses: [Choice]
    let next: String?
    let sorts: [Choice]
    let firstPage: String?
    let exportQuery: String
    let canWrite: Bool
    let error: String?
}

/// The animal form's fields (`animal-fields.mustache`): what was typed (after an error) or the record.
struct AnimalFields: Encodable {
    let speciesOptions: [Choice]
    let sexOptions: [Choice]
    let statusOptions: [Choice]
    let name: String
    let breed: String
    let birthDate: String
    let ownerId: String
    let sireId: String
    let damId: String
    let registration: String
    let microchip: String
    let earTag: String
    let notes: String
    let custom: CustomFieldForm

    init(_ form: AnimalsWebController.Form, species: [String], custom: CustomFieldForm) {
        speciesOptions = Choice.list(species, selected: form.species)
        sexOptions = Choice.list(Animal.Sex.allCases.map(\.rawValue), selected: form.sex ?? "unknown")
        statusOptions = Choice.list(Animal.Status.allCases.map(\.rawValue), selected: form.status)
        name = form.name ?? ""
        breed = form.breed ?? ""
        birthDate = form.birthDate ?? ""
        ownerId = form.ownerId ?? ""
        sireId = form.sireId ?? ""
        damId = form.damId ?? ""
        registration = form.registration ?? ""
        microchip = form.microchip ?? ""
        earTag = form.earTag ?? ""
        notes = form.notes ?? ""
        self.custom = custom
    }
}

/// `animal-new.mustache`.
struct AnimalFormPage: Encodable {
    let form: AnimalFields
    let error: String?
}

/// `animal.mustache`.
struct AnimalDetailPage: Encodable {
    struct Record: Encodable {
        let id: Int64
        let deleted: Bool
        let deletedAt: String
    }
    struct Fact: Encodable {
        let label: String
        let value: String
    }
    /// A pedigree node for the recursive `pedigree-node.mustache`. Every node sets `unknown` and
    /// `hasParents`, or Mustache would find the enclosing node's values and recurse for ever.
    struct Node: Encodable {
        var id: Int64?
        var name: String?
        var sex: String?
        var breed: String?
        var role: String?
        let unknown: Bool
        let hasParents: Bool
        var parents: [Node]?

        init(_ node: Pedigree.Node) {
            id = node.id
            name = node.name.isEmpty ? "#\(node.id)" : node.name
            sex = node.sex.rawValue
            breed = node.breed
            unknown = false
            hasParents = node.sire != nil || node.dam != nil
            if hasParents {
                parents = [
                    node.sire.map(Node.init) ?? Node(unknown: "sire"), node.dam.map(Node.init) ?? Node(unknown: "dam"),
                ]
            }
        }

        /// A parent not recorded: `role` is sire or dam.
        init(unknown role: String) {
            self.role = role
            unknown = true
            hasParents = false
        }
    }
    struct Offspring: Encodable {
        let id: Int64
        let name: String
    }
    let animal: Record
    let facts: [Fact]
    let ownerId: Int64?
    let pedigree: Node
    let offspring: [Offspring]
    let form: AnimalFields
    let history: [History.Row]
    let historyCount: Int
    let hasHistory: Bool
    let tabDetails: Bool
    let tabPedigree: Bool
    let tabHistory: Bool
    let canWrite: Bool
    let canRestore: Bool
    /// The animal's samples, embryos, transfers, results (features above Animals declare them).
    let linked: [RecordLinks.Panel]
    let attachments: AttachmentPanel?
    let activity: RecordActivity?
    let error: String?
}
