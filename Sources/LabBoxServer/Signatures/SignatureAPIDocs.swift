// The JSON of an e-signature as every feature's API shows it (a sample's manifest, a library
// version's approvals).

extension APISchema {
    package static let signature: APISchema = .object(
        [
            "id": .integer,
            "signer": .string,
            "user_id": .integer,
            "meaning": .enumeration(["performed", "reviewed", "verified", "approved", "witnessed"]),
            "signed_at": .dateTime,
            "record_hash": .string.described("SHA-256 of the signed record version."),
            "matches_current_version": .boolean.described("False once the record changed after signing."),
        ]
    ).named("Signature")
}
