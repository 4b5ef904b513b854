import Foundation
import LabBoxPlatform
import Synchronization

/// Sign-ins that passed the password and wait for the second factor. Kept in memory for five
/// minutes and five attempts: a restart simply asks for the password again.
package final class SecondFactorChallenges: Sendable {
    package static let lifetime: TimeInterval = 5 * 60
    package static let maximumAttempts = 5

    private struct Challenge {
        let userID: Int64
        let expires: Date
        var attempts: Int
    }

    private let challenges = Mutex<[String: Challenge]>([:])

    package func issue(userID: Int64) -> String {
        let token = Secrets.token()
        challenges.withLock { challenges in
            let now = Date()
            challenges = challenges.filter { $0.value.expires > now }
            challenges[token] = Challenge(userID: userID, expires: now.addingTimeInterval(Self.lifetime), attempts: 0)
        }
        return token
    }

    /// The user of a live challenge, counting an attempt; the challenge ends after the last one.
    package func attempt(_ token: String) -> Int64? {
        challenges.withLock { challenges in
            guard var challenge = challenges[token], challenge.expires > Date() else {
                challenges[token] = nil
                return nil
            }
            challenge.attempts += 1
            challenges[token] = challenge.attempts >= Self.maximumAttempts ? nil : challenge
            return challenge.userID
        }
    }

    package func finish(_ token: String) {
        challenges.withLock { $0[token] = nil }
    }
}
