/// Writing JSON text directly into bytes, for the few shapes on hot paths (the audit trail's
/// canonical snapshots, API pages of samples), where `JSONEncoder`'s intermediate tree costs
/// more than the rest of the request.
package enum JSONText {
    /// `string` as a JSON string: `"`, `\` and control characters escaped, everything else as is;
    /// `/` too with `escapingSlashes`, as `JSONSerialization` wrote the log lines.
    package static func append(_ string: String, to json: inout [UInt8], escapingSlashes: Bool = false) {
        json.append(UInt8(ascii: "\""))
        // Most strings need no escape: copied whole, not byte by byte.
        let quote = UInt8(ascii: "\"")
        let backslash = UInt8(ascii: "\\")
        let slash = UInt8(ascii: "/")
        let escaped = { (byte: UInt8) in
            byte < 0x20 || byte == quote || byte == backslash || escapingSlashes && byte == slash
        }
        // Scanned in the string's own storage where it has one (native strings do): stepping
        // through `String.UTF8View` one index at a time costs several times more.
        let plain =
            string.utf8.withContiguousStorageIfAvailable { bytes in
                if bytes.contains(where: escaped) { return false }
                json.append(contentsOf: bytes)
                return true
            } ?? false
        if plain {
            json.append(quote)
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): json += [UInt8(ascii: "\\"), byte]
            case UInt8(ascii: "/") where escapingSlashes: json += "\\/".utf8
            case 0x0A: json += "\\n".utf8
            case 0x0D: json += "\\r".utf8
            case 0x09: json += "\\t".utf8
            case 0..<0x20: json += ("\\u00" + [byte].hex).utf8
            default: json.append(byte)
            }
        }
        json.append(UInt8(ascii: "\""))
    }

    /// A constant's bytes as they are, unescaped: a key with its punctuation (`,"kind":`) in one
    /// piece. Inlinable: it is called for every field of every row a page writes.
    @inlinable
    package static func append(raw text: StaticString, to json: inout [UInt8]) {
        json.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// `value` in decimal, written straight into `json`: a `String` for each of a sample's numbers
    /// cost a page of fifty more than its SQL did (docs/BENCHMARKS.md, ninth round).
    package static func append(_ value: Int64, to json: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var magnitude = value.magnitude
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { json.append(UInt8(ascii: "-")) }
            json.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// A JSON number for `double` as `JSONEncoder` writes it (integral values without `.0`).
    package static func number(_ double: Double) -> String {
        guard double.isFinite else { return "null" }
        return Int64(exactly: double).map(String.init) ?? String(double)
    }
}
