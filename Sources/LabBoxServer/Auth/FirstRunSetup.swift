import Foundation
import LabBoxPlatform
import Synchronization

/// The one-time link that lets the first administrator be created in the browser.
///
/// `labbox serve` makes one when the database has no user and prints it on the console: only
/// someone at the server's console can use it. It lasts 30 minutes and dies with first use.
package final class FirstRunSetup: Sendable {
    package static let lifetime: TimeInterval = 30 * 60
    private let state = Mutex<(token: String, expires: Date)?>(nil)

    package init() {}

    /// A fresh token, replacing any earlier one.
    package func issue() -> String {
        let token = Secrets.token()
        state.withLock { $0 = (token, Date().addingTimeInterval(Self.lifetime)) }
        return token
    }

    package func isValid(_ token: String) -> Bool {
        state.withLock { state in
            guard let state, state.expires > Date() else { return false }
            return Secrets.constantTimeEquals(state.token, token)
        }
    }

    /// Consumes the token if it is valid; true when it was.
    package func consume(_ token: String) -> Bool {
        state.withLock { state in
            guard let current = state, current.expires > Date(), Secrets.constantTimeEquals(current.token, token)
            else { return false }
            state = nil
            return true
        }
    }
}
