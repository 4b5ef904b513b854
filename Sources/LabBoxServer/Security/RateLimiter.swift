import Foundation
import Synchronization

/// Token buckets by key (an IP address, an API key id, an account): `burst` requests at once,
/// refilled at `perSecond`. Memory stays bounded: full buckets are forgotten when the table grows.
///
/// The buckets are spread over shards by the key's hash, each with its own lock, so requests of
/// different clients on different threads do not wait for one lock.
package final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    package let perSecond: Double
    package let burst: Double
    private final class Shard: Sendable {
        let buckets = Mutex<[String: Bucket]>([:])
    }

    private let shards = (0..<16).map { _ in Shard() }
    private static let pruneThreshold = 10_000 / 16

    package init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = Double(burst)
    }

    /// Takes one token for `key`; nil when allowed, else how many seconds until a token is back.
    package func take(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        shards[Int(UInt(bitPattern: key.hashValue) % UInt(shards.count))].buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + seconds * perSecond)
            bucket.updated = now
            defer {
                buckets[key] = bucket
                if buckets.count > Self.pruneThreshold { prune(&buckets, now: now) }
            }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
        }
    }

    private func prune(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        let refill = Duration.seconds(burst / perSecond)
        buckets = buckets.filter { now - $0.value.updated < refill }
    }
}
