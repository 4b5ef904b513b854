import Foundation
import Hummingbird
import LabBoxValues

/// A one-time message for the next page, carried across a post/redirect/get in a short-lived
/// cookie ("Sample stored in T3 / C2 / G1 / 4"). The page that shows it clears the cookie.
package struct Flash: Sendable, Equatable {
    package enum Kind: String, Sendable { case success, info }

    package static let cookieName = "labbox_flash"

    package let kind: Kind
    package let message: String

    /// A `303 See Other` to `location` that shows this message there.
    package func redirect(to location: String) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location])
        let value = kind.rawValue + "." + Data(message.utf8).base64EncodedString()
        response.setCookie(Self.cookie(value: value, maxAge: 60))
        return response
    }

    /// Runs a posted form's action and redirects to `location` with its outcome: the message it
    /// returns, or the message of the input error it throws (server errors still propagate).
    package static func after(redirectTo location: String, _ action: () async throws -> String) async throws -> Response
    {
        do {
            return Flash(kind: .success, message: try await action()).redirect(to: location)
        } catch let error as APIError where error.status.code < 500 {
            return Flash(kind: .info, message: error.message).redirect(to: location)
        }
    }

    /// The pending message of `request`, if it carries one that decodes.
    package static func pending(in request: Request) -> Flash? {
        guard let value = request.cookies[cookieName]?.value else { return nil }
        let parts = value.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = Kind(rawValue: parts[0]),
            let data = Data(base64Encoded: parts[1]), let message = String(data: data, encoding: .utf8)
        else { return nil }
        return Flash(kind: kind, message: message)
    }

    /// Expires the cookie once its message has been rendered.
    package static let clearing = cookie(value: "", maxAge: 0)

    private static func cookie(value: String, maxAge: Int) -> Cookie {
        Cookie(name: cookieName, value: value, maxAge: maxAge, path: "/", httpOnly: true, sameSite: .lax)
    }

    package init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }
}
