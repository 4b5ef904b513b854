import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An IPv4 or IPv6 network such as `192.168.10.0/24` or `fd00::/8`; a bare address is a /32 or /128.
package struct CIDR: Sendable, Equatable, CustomStringConvertible {
    package let network: [UInt8]
    package let prefixLength: Int

    package init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1).map(String.init)
        guard let address = parts.first, let bytes = Self.bytes(of: address) else { return nil }
        let length = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
        guard let length, (0...bytes.count * 8).contains(length) else { return nil }
        network = bytes
        prefixLength = length
    }

    package var description: String { "\(Self.text(of: network))/\(prefixLength)" }

    package func contains(_ address: String) -> Bool {
        guard var bytes = Self.bytes(of: address) else { return false }
        // An IPv4 client may arrive as an IPv4-mapped IPv6 address (::ffff:a.b.c.d).
        if bytes.count == 16, network.count == 4, bytes[0..<12] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] {
            bytes = Array(bytes[12...])
        }
        guard bytes.count == network.count else { return false }
        var remaining = prefixLength
        for index in 0..<bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if bytes[index] & mask != network[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    package static func bytes(of address: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    private static func text(of bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        return bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)).map { String(cString: $0) } ?? "?"
        }
    }
}
