/// An XML element with its attributes, text and children, written as UTF-8 text. Small on purpose:
/// the e-invoice is the only XML LabBox writes, and building a tree keeps escaping in one place.
package struct XMLTree: Sendable {
    let name: String
    let attributes: [(String, String)]
    let text: String?
    let children: [XMLTree]

    package init(_ name: String, attributes: [(String, String)] = [], text: String) {
        (self.name, self.attributes, self.text, children) = (name, attributes, text, [])
    }

    package init(_ name: String, attributes: [(String, String)] = [], _ children: [XMLTree?]) {
        (self.name, self.attributes, text, self.children) = (name, attributes, nil, children.compactMap { $0 })
    }

    /// The document: declaration, then this element, indented by two spaces per level.
    package var document: String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        write(to: &out, depth: 0)
        return out
    }

    private func write(to out: inout String, depth: Int) {
        let indent = String(repeating: "  ", count: depth)
        out += indent + "<" + name
        for (key, value) in attributes { out += " \(key)=\"\(Self.escaped(value, inAttribute: true))\"" }
        if let text {
            out += ">" + Self.escaped(text, inAttribute: false) + "</" + name + ">\n"
        } else if children.isEmpty {
            out += "/>\n"
        } else {
            out += ">\n"
            for child in children { child.write(to: &out, depth: depth + 1) }
            out += indent + "</" + name + ">\n"
        }
    }

    /// Markup characters as entities; a carriage return (and, in an attribute, a tab or line feed)
    /// as a character reference, since a parser would otherwise normalise it away; characters XML
    /// 1.0 cannot carry at all (most C0 controls, U+FFFE, U+FFFF) dropped rather than written into
    /// a document every parser would reject.
    package static func escaped(_ text: String, inAttribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where inAttribute: out += "&quot;"
            case "\r": out += "&#13;"
            case "\n" where inAttribute: out += "&#10;"
            case "\t" where inAttribute: out += "&#9;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
