import Crypto
import Foundation

/// LabBox's access tokens: compact JSON Web Tokens (RFC 7519) signed with HMAC-SHA256.
///
/// LabBox only ever issues and checks its own HS256 tokens, so this is all of JWT it needs; a
/// general JWT library brought certificate and RSA code that cost several MB of the binary budget
/// (docs/decisions/0006-identity-and-access.md records the trade).
package enum AccessToken {
    package struct Claims: Codable, Sendable, Equatable {
        package let sub: String
        package let exp: Int64
        package let iat: Int64
        package let role: String

        package init(sub: String, exp: Int64, iat: Int64, role: String) {
            self.sub = sub
            self.exp = exp
            self.iat = iat
            self.role = role
        }
    }

    private struct Header: Codable {
        var alg = "HS256"
        var typ = "JWT"
        let kid: String
    }

    package static func sign(_ claims: Claims, kid: String, secret: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let signingInput =
            base64URL(try encoder.encode(Header(kid: kid))) + "." + base64URL(try encoder.encode(claims))
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(signingInput.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return signingInput + "." + base64URL(Data(mac))
    }

    /// The key id a token names, read before its signature is checked (to pick the key).
    package static func keyID(of token: String) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = decodeBase64URL(parts[0]),
            let header = try? JSONDecoder().decode(Header.self, from: data), header.alg == "HS256"
        else { return nil }
        return header.kid
    }

    /// The claims of a token signed with `secret` and not yet expired, or nil.
    package static func verify(_ token: String, secret: String, now: Date = Date()) -> Claims? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, keyID(of: token) != nil, let signature = decodeBase64URL(parts[2]),
            HMAC<SHA256>.isValidAuthenticationCode(
                signature, authenticating: Data((parts[0] + "." + parts[1]).utf8),
                using: SymmetricKey(data: Data(secret.utf8))),
            let payload = decodeBase64URL(parts[1]),
            let claims = try? JSONDecoder().decode(Claims.self, from: payload),
            Double(claims.exp) > now.timeIntervalSince1970
        else { return nil }
        return claims
    }

    package static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    package static func decodeBase64URL(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
