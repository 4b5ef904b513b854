import Crypto
import Foundation

/// A self-signed X.509 v3 certificate (ECDSA P-256, SHA-256) for LabBox's own HTTPS, written as DER
/// by hand: a certificate library cost 1.7 MB of the 80 MiB binary budget for this one use
/// (docs/decisions/0004-http-stack.md).
package enum SelfSignedCertificate {
    /// The certificate as PEM, valid for ten years from an hour ago, for `dnsNames` and `ipAddresses`.
    package static func pem(
        key: P256.Signing.PrivateKey, commonName: String, dnsNames: [String], ipAddresses: [[UInt8]]
    )
        throws -> String
    {
        let now = Date()
        let algorithm = sequence(oid([1, 2, 840, 10045, 4, 3, 2]))  // ecdsa-with-SHA256
        let name = sequence(
            set(sequence(oid([2, 5, 4, 10]) + utf8("LabBox"))), set(sequence(oid([2, 5, 4, 3]) + utf8(commonName))))
        let alternativeNames =
            dnsNames.map { element(0x82, Array($0.utf8)) } + ipAddresses.map { element(0x87, $0) }
        let extensions = sequence(
            // Basic constraints, critical: not a certificate authority.
            sequence(oid([2, 5, 29, 19]) + element(0x01, [0xFF]) + octets(sequence())),
            sequence(oid([2, 5, 29, 17]) + octets(sequence(alternativeNames.flatMap { $0 }))))
        var serial = (0..<16).map { _ in UInt8.random(in: 0...255) }
        serial[0] &= 0x7F  // positive
        let tbs = sequence(
            element(0xA0, integer([2])), integer(serial), algorithm, name,
            sequence(time(now.addingTimeInterval(-3600)), time(now.addingTimeInterval(10 * 365 * 86_400))), name,
            Array(key.publicKey.derRepresentation), element(0xA3, extensions))
        let signature = try key.signature(for: Data(tbs)).derRepresentation
        let certificate = sequence(tbs, algorithm, element(0x03, [0] + Array(signature)))
        let base64 = Data(certificate).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN CERTIFICATE-----\n\(base64)\n-----END CERTIFICATE-----\n"
    }

    // MARK: DER (X.690): tag, length, contents.

    package static func element(_ tag: UInt8, _ contents: [UInt8]) -> [UInt8] {
        var length: [UInt8]
        if contents.count < 0x80 {
            length = [UInt8(contents.count)]
        } else {
            var count = contents.count
            var bytes: [UInt8] = []
            while count > 0 {
                bytes.insert(UInt8(count & 0xFF), at: 0)
                count >>= 8
            }
            length = [0x80 | UInt8(bytes.count)] + bytes
        }
        return [tag] + length + contents
    }

    package static func sequence(_ parts: [UInt8]...) -> [UInt8] { element(0x30, parts.flatMap { $0 }) }
    private static func set(_ contents: [UInt8]) -> [UInt8] { element(0x31, contents) }
    private static func octets(_ contents: [UInt8]) -> [UInt8] { element(0x04, contents) }
    private static func utf8(_ text: String) -> [UInt8] { element(0x0C, Array(text.utf8)) }

    /// A non-negative INTEGER from big-endian bytes.
    private static func integer(_ bytes: [UInt8]) -> [UInt8] {
        var value = Array(bytes.drop { $0 == 0 })
        if value.isEmpty || value[0] & 0x80 != 0 { value.insert(0, at: 0) }
        return element(0x02, value)
    }

    package static func oid(_ arcs: [UInt]) -> [UInt8] {
        var bytes = [UInt8(arcs[0] * 40 + arcs[1])]
        for arc in arcs.dropFirst(2) {
            var chunk = [UInt8(arc & 0x7F)]
            var rest = arc >> 7
            while rest > 0 {
                chunk.insert(UInt8(rest & 0x7F) | 0x80, at: 0)
                rest >>= 7
            }
            bytes += chunk
        }
        return element(0x06, bytes)
    }

    /// UTCTime until 2049, GeneralizedTime after, as RFC 5280 requires.
    private static func time(_ date: Date) -> [UInt8] {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        let year = parts.year ?? 2000
        let rest = [parts.month, parts.day, parts.hour, parts.minute, parts.second]
            .map { String(format: "%02d", $0 ?? 0) }.joined()
        return year < 2050
            ? element(0x17, Array((String(format: "%02d", year % 100) + rest + "Z").utf8))
            : element(0x18, Array((String(year) + rest + "Z").utf8))
    }
}
