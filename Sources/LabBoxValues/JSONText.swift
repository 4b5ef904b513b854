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
        if !string.utf8.contains(where: {
            $0 < 0x20 || $0 == quote || $0 == backslash || escapingSlashes && $0 == slash
        }) {
            json += string.utf8
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

    /// A JSON number for `double` as `JSONEncoder` writes it (integral values without `.0`).
    package static func number(_ double: Double) -> String {
        guard double.isFinite else { return "null" }
        return Int64(exactly: double).map(String.init) ?? String(double)
    }
}
