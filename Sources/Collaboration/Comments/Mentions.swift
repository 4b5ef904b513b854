import GRDB
import LabBoxServer
import LabBoxValues

/// The people a text mentions: `@jane` (the part of their email address before the `@`, which
/// LabBox uses as a user name) or `@jane@lab.example` (the whole address, when two people share
/// the first part). An `@` inside a word (`bob@example.com`) is an address, not a mention.
package enum Mentions {
    /// The names mentioned in `text`, in order, each once.
    package static func names(in text: String) -> [String] {
        let characters = Array(text)
        var names: [String] = []
        var index = 0
        while index < characters.count {
            defer { index += 1 }
            guard characters[index] == "@", index == 0 || !isNameCharacter(characters[index - 1]) else { continue }
            var end = index + 1
            while end < characters.count, isNameCharacter(characters[end]) || characters[end] == "@" { end += 1 }
            var name = String(characters[(index + 1)..<end])
            while name.last == "." || name.last == "@" { name.removeLast() }
            if !name.isEmpty, !names.contains(name.lowercased()) { names.append(name.lowercased()) }
            index = end - 1
        }
        return names
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "._%+-".contains(character))
    }

    /// The active users `text` mentions, or 422 on `field` naming a mention that is no one, or
    /// more than one person.
    package static func users(in text: String, db: Database, field: String = "body") throws -> [User] {
        let names = names(in: text)
        guard !names.isEmpty else { return [] }
        let active = try User.filter(User.CodingKeys.status == User.Status.active.rawValue).fetchAll(db)
        return try names.map { name in
            let matches = active.filter { user in
                let email = user.email.lowercased()
                return name.contains("@") ? email == name : email.split(separator: "@").first.map(String.init) == name
            }
            guard matches.count == 1, let user = matches.first else {
                throw APIError.validationFailed(
                    matches.isEmpty
                        ? "@\(name) is not a user of this LabBox."
                        : "@\(name) names \(matches.count) people; write the whole address, @\(matches[0].email).",
                    field: field)
            }
            return user
        }
    }
}
