import Foundation

/// A message's body in MIME form (RFC 2045–2049), as the header lines that describe it, an empty
/// line and its content: plain text alone as before; with an HTML alternative, a
/// `multipart/alternative` of both; with attachments, a `multipart/mixed` of that and each file,
/// base64 in lines of 76.
enum MIMEBody {
    static func lines(of message: EmailMessage) -> [String] {
        let text = part(
            type: "text/plain; charset=utf-8", encoding: "8bit",
            content: message.body.replacingOccurrences(of: "\r\n", with: "\n").split(
                separator: "\n", omittingEmptySubsequences: false
            ).map(String.init))
        let readable =
            message.html.isEmpty
            ? text
            : multipart(
                "alternative",
                [
                    text,
                    part(
                        type: "text/html; charset=utf-8", encoding: "base64", content: base64(Data(message.html.utf8))),
                ])
        guard !message.attachments.isEmpty else { return readable }
        return multipart(
            "mixed",
            [readable]
                + message.attachments.map {
                    part(
                        type: "\($0.contentType); name=\"\(headerSafe($0.filename))\"", encoding: "base64",
                        content: base64($0.content),
                        extra: ["Content-Disposition: attachment; filename=\"\(headerSafe($0.filename))\""])
                })
    }

    private static func part(type: String, encoding: String, content: [String], extra: [String] = []) -> [String] {
        ["Content-Type: \(type)", "Content-Transfer-Encoding: \(encoding)"] + extra + [""] + content
    }

    /// The parts inside a boundary that none of them contains: base64 never holds `_`, and a text
    /// line that happens to hold the random one makes it draw another.
    private static func multipart(_ subtype: String, _ parts: [[String]]) -> [String] {
        var boundary = "=_labbox_" + Secrets.token(bytes: 12)
        while parts.joined().contains(where: { $0.contains(boundary) }) {
            boundary = "=_labbox_" + Secrets.token(bytes: 12)
        }
        return ["Content-Type: multipart/\(subtype); boundary=\"\(boundary)\"", ""]
            + parts.flatMap { ["--" + boundary] + $0 } + ["--" + boundary + "--"]
    }

    private static func base64(_ data: Data) -> [String] {
        let encoded = data.base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map {
            let start = encoded.index(encoded.startIndex, offsetBy: $0)
            return String(
                encoded[start..<(encoded.index(start, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex)])
        }
    }

    /// A filename as a quoted header parameter: printable ASCII without quotes or backslashes.
    private static func headerSafe(_ name: String) -> String {
        String(
            name.unicodeScalars.map {
                (0x20..<0x7F).contains($0.value) && $0 != "\"" && $0 != "\\" ? Character($0) : "_"
            })
    }
}
