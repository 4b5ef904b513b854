import Foundation
import Ink

/// Markdown as HTML that a page may include as it is. Ink turns the Markdown into HTML but passes
/// raw HTML through and writes link targets into attributes unescaped (`[x](a" onclick="…)`), so
/// its output is not trusted: it is read again tag by tag, and only the elements Markdown makes
/// are kept, each rebuilt with its few attributes escaped. Any other tag shows as text, a link or
/// image whose target is not http(s), mailto (links) or relative loses it, and every element left
/// open is closed, so nothing reaches beyond the rendered text (decision 0042).
package enum SafeMarkdown {
    package static func html(_ markdown: String) -> String {
        sanitize(MarkdownParser().html(from: markdown))
    }

    /// The elements Ink writes for Markdown.
    private static let allowed: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code", "em", "strong", "s",
        "a", "img", "hr", "br", "table", "thead", "tbody", "tr", "th", "td",
    ]
    private static let void: Set<String> = ["img", "hr", "br"]

    /// `html` with only allowed elements, rebuilt, and every other `<` as text.
    static func sanitize(_ html: String) -> String {
        var out = ""
        var open: [String] = []
        var rest = Substring(html)
        while let start = rest.firstIndex(of: "<") {
            out += text(rest[..<start])
            guard let tag = Tag(rest[start...]) else {
                out += "&lt;"
                rest = rest[rest.index(after: start)...]
                continue
            }
            rest = rest[tag.end...]
            guard allowed.contains(tag.name) else {
                out += text(tag.source)
                continue
            }
            if tag.closing {
                // A closing tag closes what was opened since its element; one never opened is dropped.
                guard let index = open.lastIndex(of: tag.name) else { continue }
                for name in open[index...].reversed() { out += "</\(name)>" }
                open.removeSubrange(index...)
                continue
            }
            guard let rebuilt = element(tag) else { continue }
            out += rebuilt
            if !void.contains(tag.name) { open.append(tag.name) }
        }
        out += text(rest)
        for name in open.reversed() { out += "</\(name)>" }
        return out
    }

    /// The allowed element `tag` rebuilt with only its own attributes; nil to drop it.
    private static func element(_ tag: Tag) -> String? {
        switch tag.name {
        case "a":
            guard let href = tag["href"], isSafe(href, mail: true) else { return "<a>" }
            return "<a href=\"\(attribute(href))\" rel=\"nofollow noopener noreferrer\">"
        case "img":
            guard let src = tag["src"], isSafe(src, mail: false) else { return nil }
            return "<img src=\"\(attribute(src))\" alt=\"\(attribute(decoded(tag["alt"] ?? "")))\">"
        case "code":
            guard let language = tag["class"], language.wholeMatch(of: /language-[A-Za-z0-9_+-]{1,30}/) != nil
            else { return "<code>" }
            return "<code class=\"\(language)\">"
        case "ol":
            guard let start = tag["start"], start.wholeMatch(of: /[0-9]{1,9}/) != nil else { return "<ol>" }
            return "<ol start=\"\(start)\">"
        case "th", "td":
            guard let align = tag["align"], ["left", "center", "right"].contains(align) else { return "<\(tag.name)>" }
            return "<\(tag.name) align=\"\(align)\">"
        default:
            return "<\(tag.name)>"
        }
    }

    /// A link target a browser will not run: relative, or http(s) (or mailto for links). Browsers
    /// ignore tabs, line breaks and leading control characters in a URL (`java\tscript:`), so
    /// those are removed before the scheme is read; `&` is escaped on output, so an entity cannot
    /// spell a scheme either.
    static func isSafe(_ url: String, mail: Bool) -> Bool {
        let compact = String(url.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }).lowercased()
        guard let colon = compact.firstIndex(of: ":") else { return true }
        // A colon after the first /, ? or # is in a relative path, query or fragment, not a scheme.
        if let other = compact.firstIndex(where: { "/?#".contains($0) }), other < colon { return true }
        let scheme = compact[..<colon]
        return scheme == "http" || scheme == "https" || (mail && scheme == "mailto")
    }

    /// Text between tags, or a refused tag as text: `&` kept only where it begins an entity (Ink
    /// escapes text, but not the raw HTML it passes through), `<` and `>` escaped.
    private static func text(_ text: Substring) -> String {
        var out = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            out += angles(rest[..<amp])
            let after = rest[amp...]
            if let match = after.prefixMatch(of: /&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});/) {
                out += match.output
                rest = after[match.range.upperBound...]
            } else {
                out += "&amp;"
                rest = after.dropFirst()
            }
        }
        return out + angles(rest)
    }

    private static func angles(_ text: Substring) -> String {
        text.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    private static func attribute(_ value: String) -> String {
        value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Ink escapes an image's alt text as text; it is escaped again as an attribute.
    private static func decoded(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// One tag as a browser would read it: `<`, an optional `/`, a name, attributes (values quoted
    /// with `"` or `'`, or bare) and `>`.
    private struct Tag {
        let name: String
        let closing: Bool
        let attributes: [String: String]
        let source: Substring
        let end: Substring.Index

        subscript(name: String) -> String? { attributes[name] }

        init?(_ input: Substring) {
            var index = input.index(after: input.startIndex)
            let closing = index < input.endIndex && input[index] == "/"
            if closing { index = input.index(after: index) }
            let nameStart = index
            while index < input.endIndex, input[index].isASCII, input[index].isLetter || input[index].isNumber {
                index = input.index(after: index)
            }
            guard index > nameStart, input[nameStart].isLetter else { return nil }
            let name = input[nameStart..<index].lowercased()
            var attributes: [String: String] = [:]
            while true {
                while index < input.endIndex, input[index].isWhitespace || input[index] == "/" {
                    index = input.index(after: index)
                }
                guard index < input.endIndex else { return nil }
                if input[index] == ">" { break }
                let keyStart = index
                while index < input.endIndex, !input[index].isWhitespace, !"=>/".contains(input[index]) {
                    index = input.index(after: index)
                }
                let key = input[keyStart..<index].lowercased()
                var value = ""
                if index < input.endIndex, input[index] == "=" {
                    index = input.index(after: index)
                    guard index < input.endIndex else { return nil }
                    if input[index] == "\"" || input[index] == "'" {
                        let quote = input[index]
                        let valueStart = input.index(after: index)
                        guard let close = input[valueStart...].firstIndex(of: quote) else { return nil }
                        value = String(input[valueStart..<close])
                        index = input.index(after: close)
                    } else {
                        let valueStart = index
                        while index < input.endIndex, !input[index].isWhitespace, input[index] != ">" {
                            index = input.index(after: index)
                        }
                        value = String(input[valueStart..<index])
                    }
                }
                // The first of an attribute given twice counts, as in a browser.
                if !key.isEmpty, attributes[key] == nil { attributes[key] = value }
            }
            end = input.index(after: index)
            self.name = name
            self.closing = closing
            self.attributes = attributes
            source = input[..<end]
        }
    }
}
