import Foundation
import GRDB
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The recipient store's reads: one enrolment with its checks, and the list.
extension RecipientStore {
    /// An enrolment with the animal's name, her cycle day today and her checks, oldest first.
    package struct Detail: Encodable, Sendable, ResponseEncodable {
        package let recipient: Recipient
        package let animal: String
        package let species: String
        package let cycleDay: Int?
        package let checks: [RecipientCheck]

        package enum CodingKeys: String, CodingKey {
            case animal, species, checks
            case cycleDay = "cycle_day"
        }

        package func encode(to encoder: Encoder) throws {
            try recipient.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(animal, forKey: .animal)
            try container.encode(species, forKey: .species)
            try container.encode(cycleDay, forKey: .cycleDay)
            try container.encode(checks, forKey: .checks)
        }
    }

    package func detail(id: Int64, today: String) async throws -> Detail {
        try await database.read { db in
            let recipient = try Self.recipient(db, id: id)
            let animal = try Row.fetchOne(
                db, sql: "SELECT name, species FROM animals WHERE id = ?", arguments: [recipient.animalId])
            return Detail(
                recipient: recipient, animal: animal?["name"] ?? "", species: animal?["species"] ?? "",
                cycleDay: recipient.cycleDay(on: today),
                checks: try RecipientCheck.filter(RecipientCheck.CodingKeys.recipientId == id)
                    .order(RecipientCheck.CodingKeys.checkedOn, RecipientCheck.CodingKeys.id).fetchAll(db))
        }
    }

    package struct Filter: Sendable {
        package var status: Recipient.Status?
        package var animalId: Int64?

        package init(_ query: ListQuery) throws {
            status = try query.choice("status", in: Recipient.Status.allCases.map(\.rawValue))
                .flatMap(Recipient.Status.init)
            animalId = try query.id("animal_id")
        }
    }

    /// Enrolments, newest first, one page.
    package func list(_ filter: Filter, after: KeysetPosition?, limit: Int) async throws
        -> (items: [Recipient], next: KeysetPosition?)
    {
        try await database.read { db in
            var request = Recipient.all()
            if let status = filter.status { request = request.filter(Recipient.CodingKeys.status == status) }
            if let animal = filter.animalId { request = request.filter(Recipient.CodingKeys.animalId == animal) }
            return try request.page(db, order: ListOrder(column: "id", descending: true), after: after, limit: limit)
        }
    }

    /// The animals' names and each enrolment's last check, for a list.
    package func listed(_ recipients: [Recipient]) async throws -> (names: [Int64: String], checks: [Int64: String]) {
        try await database.read { db in
            var checks: [Int64: String] = [:]
            for recipient in recipients {
                let id = recipient.id ?? 0
                checks[id] = try RecipientCheck.filter(RecipientCheck.CodingKeys.recipientId == id)
                    .order(RecipientCheck.CodingKeys.checkedOn.desc).fetchOne(db)
                    .map { "\($0.checkedOn): \($0.summary)" }
            }
            return (try Breeding.animalNames(db, recipients.map(\.animalId)), checks)
        }
    }
}
