import Foundation
import Synchronization

/// The process's in-memory cache: bounded by entries and by bytes (least recently used goes first),
/// entries expire after their TTL, and writers invalidate by key, by tag or by key prefix.
///
/// A burst of misses for one key does one load (single flight): later callers wait for the first.
/// A load that overlaps an invalidation of its key or tags is returned to its callers but not
/// stored, so a write through LabBox is never followed by a stale read from here; loads of other
/// keys are unaffected, so a busy writer does not keep the cache empty.
package final class Cache: Sendable {
    package struct Limits: Sendable {
        package var maxEntries: Int
        package var maxBytes: Int

        package init(maxEntries: Int, maxBytes: Int) {
            self.maxEntries = maxEntries
            self.maxBytes = maxBytes
        }
    }

    package struct Stats: Sendable {
        package var hits = 0
        package var misses = 0
        package var evictions = 0
        package var entries = 0
        package var bytes = 0
    }

    private struct Entry {
        var value: any Sendable
        var cost: Int
        var expires: ContinuousClock.Instant
        var tags: [String]
        // Neighbours in the recency list; `newer` of the newest and `older` of the oldest are nil.
        var newer: String?
        var older: String?
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var keysByTag: [String: Set<String>] = [:]
        var newest: String?
        var oldest: String?
        var bytes = 0
        /// Loads in flight, with the tags their value will carry. An invalidation that matches one
        /// removes it here, and a load stores its value only if it is still here when it ends.
        var loading: [String: (task: Task<any Sendable, any Error>, tags: [String])] = [:]
        var stats = Stats()
    }

    private enum Lookup {
        case hit(any Sendable)
        case wait(Task<any Sendable, any Error>)
        case load(Task<any Sendable, any Error>)
    }

    package let limits: Limits
    private let state = Mutex(State())

    package init(limits: Limits) { self.limits = limits }

    /// The cached value of `key`, or the result of `load`, which is then kept for `ttl`.
    /// `tags` name what the value was computed from (e.g. `table:samples`); `cost` is its size in bytes.
    package func value<T: Sendable>(
        _ key: String, tags: [String] = [], ttl: Duration, cost: Int = 256,
        load: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let now = ContinuousClock.now
        let lookup = state.withLock { state -> Lookup in
            if let entry = state.entries[key] {
                if entry.expires > now {
                    state.stats.hits += 1
                    Self.touch(key, in: &state)
                    return .hit(entry.value)
                }
                Self.remove(key, from: &state)
            }
            if let loading = state.loading[key] {
                state.stats.hits += 1
                return .wait(loading.task)
            }
            state.stats.misses += 1
            let task = Task<any Sendable, any Error> { try await load() }
            state.loading[key] = (task, tags)
            return .load(task)
        }
        switch lookup {
        case .hit(let value):
            CacheMetrics.hits.increment()
            return value as! T
        case .wait(let task):
            CacheMetrics.hits.increment()
            return try await task.value as! T
        case .load(let task):
            CacheMetrics.misses.increment()
            let result = await task.result
            state.withLock { state in
                guard state.loading[key]?.task == task else { return }
                state.loading[key] = nil
                guard case .success(let value) = result else { return }
                Self.store(
                    key, Entry(value: value, cost: cost, expires: .now + ttl, tags: tags), limits: limits, in: &state)
            }
            return try result.get() as! T
        }
    }

    package func invalidate(key: String) {
        invalidate { state in [key].filter { state.entries[$0] != nil || state.loading[$0] != nil } }
    }

    package func invalidate(tags: some Sequence<String>) {
        let tags = Set(tags)
        invalidate { state in
            tags.flatMap { state.keysByTag[$0] ?? [] }
                + state.loading.filter { !tags.isDisjoint(with: $0.value.tags) }.map(\.key)
        }
    }

    package func invalidate(prefix: String) {
        invalidate { state in
            state.entries.keys.filter { $0.hasPrefix(prefix) } + state.loading.keys.filter { $0.hasPrefix(prefix) }
        }
    }

    /// Whether `key` holds a value that has not expired.
    package func contains(_ key: String) -> Bool {
        state.withLock { state in state.entries[key].map { $0.expires > .now } ?? false }
    }

    package func removeAll() {
        invalidate { state in Array(state.entries.keys) + Array(state.loading.keys) }
    }

    package var stats: Stats {
        state.withLock { state in
            var stats = state.stats
            stats.entries = state.entries.count
            stats.bytes = state.bytes
            return stats
        }
    }

    private func invalidate(_ keys: (inout State) -> [String]) {
        state.withLock { state in
            for key in keys(&state) {
                Self.remove(key, from: &state)
                // Later callers start a fresh load instead of joining one that may read old data.
                state.loading[key] = nil
            }
            CacheMetrics.entries.set(to: Double(state.entries.count))
            CacheMetrics.bytes.set(to: Double(state.bytes))
        }
    }

    private static func store(_ key: String, _ entry: Entry, limits: Limits, in state: inout State) {
        guard entry.cost <= limits.maxBytes else { return }
        remove(key, from: &state)
        insertNewest(key, entry, in: &state)
        while state.entries.count > limits.maxEntries || state.bytes > limits.maxBytes, let oldest = state.oldest {
            remove(oldest, from: &state)
            state.stats.evictions += 1
            CacheMetrics.evictions.increment()
        }
        CacheMetrics.entries.set(to: Double(state.entries.count))
        CacheMetrics.bytes.set(to: Double(state.bytes))
    }

    /// Moves a hit to the newest end of the recency list. Only the list's links change: its bytes
    /// and tags stay as they are (moving those too on every hit was most of a hit's cost).
    private static func touch(_ key: String, in state: inout State) {
        guard state.newest != key, let entry = state.entries[key] else { return }
        unlink(entry, in: &state)
        linkNewest(key, entry, in: &state)
    }

    private static func insertNewest(_ key: String, _ entry: Entry, in state: inout State) {
        linkNewest(key, entry, in: &state)
        state.bytes += entry.cost
        for tag in entry.tags { state.keysByTag[tag, default: []].insert(key) }
    }

    /// Stores the entry as the newest in the recency list.
    private static func linkNewest(_ key: String, _ entry: Entry, in state: inout State) {
        var entry = entry
        entry.newer = nil
        entry.older = state.newest
        if let newest = state.newest { state.entries[newest]?.newer = key }
        state.newest = key
        if state.oldest == nil { state.oldest = key }
        state.entries[key] = entry
    }

    /// Joins an entry's neighbours in the recency list to each other.
    private static func unlink(_ entry: Entry, in state: inout State) {
        if let newer = entry.newer { state.entries[newer]?.older = entry.older } else { state.newest = entry.older }
        if let older = entry.older { state.entries[older]?.newer = entry.newer } else { state.oldest = entry.newer }
    }

    private static func remove(_ key: String, from state: inout State) {
        guard let entry = state.entries.removeValue(forKey: key) else { return }
        unlink(entry, in: &state)
        state.bytes -= entry.cost
        for tag in entry.tags {
            state.keysByTag[tag]?.remove(key)
            if state.keysByTag[tag]?.isEmpty == true { state.keysByTag[tag] = nil }
        }
    }
}

package enum CacheMetrics {
    package static let hits = AppMetrics.registry.makeCounter(
        descriptor: .labbox(
            "cache_hits", unit: "total", help: "Cache lookups answered from memory or by joining a running load"))
    package static let misses = AppMetrics.registry.makeCounter(
        descriptor: .labbox("cache_misses", unit: "total", help: "Cache lookups that loaded the value"))
    package static let evictions = AppMetrics.registry.makeCounter(
        descriptor: .labbox(
            "cache_evictions", unit: "total", help: "Entries dropped to stay within the entry and byte limits"))
    package static let entries = AppMetrics.registry.makeGauge(
        descriptor: .labbox("cache_entries", unit: "", help: "Entries in the cache"))
    package static let bytes = AppMetrics.registry.makeGauge(
        descriptor: .labbox("cache", unit: "bytes", help: "Estimated bytes held by the cache"))
}
