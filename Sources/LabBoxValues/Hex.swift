extension Sequence<UInt8> {
    /// Lower-case hex, the form in which LabBox stores and shows digests.
    /// Every request hashes its credential and names itself in hex, so the digits are computed
    /// rather than looked up in a table built on each call. Inlinable, so that it is compiled for
    /// each digest type where it is used: left generic, stepping through a digest's bytes by its
    /// witness table cost 16,000 instructions per hash, more than SHA-256 itself.
    @inlinable
    package var hex: String {
        @inline(__always) func digit(_ nibble: UInt8) -> UInt8 {
            nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
        }
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in self {
            text.append(digit(byte >> 4))
            text.append(digit(byte & 0x0F))
        }
        return String(decoding: text, as: UTF8.self)
    }
}
