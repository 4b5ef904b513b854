import Foundation
import LabBoxPlatform

/// `index.html` of a subject-access export: every section as a table, readable without LabBox and
/// without a network (no scripts, no links out, the style inline).
enum SubjectExportPage {
    static func html(
        customer id: Int64, at date: Date, sections: [SubjectExport.Section],
        files: [(row: [String: AuditValue], path: String?)]
    ) -> String {
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Your data: customer \(id)</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1a1a1a;line-height:1.4}
            table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
            th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}
            th{background:#eee}.scroll{overflow-x:auto}
            </style></head><body>
            <h1>The data held about customer \(id)</h1>
            <p>Exported \(escape(AuditEvent.timestamp(date))) (UTC). Each section is also in <code>data/</code> as JSON; \
            the files are in <code>files/</code>.</p>
            <nav><ul>
            """
        for section in sections where section.name != "attachments" {
            html += "<li><a href=\"#\(section.name)\">\(escape(section.title))</a> (\(section.rows.count))</li>"
        }
        html += "<li><a href=\"#files\">Files</a> (\(files.count))</li></ul></nav>\n"
        for section in sections where section.name != "attachments" {
            html += "<h2 id=\"\(section.name)\">\(escape(section.title))</h2>\n" + table(section.rows)
        }
        html += "<h2 id=\"files\">Files</h2>\n"
        if files.isEmpty { html += "<p>None.</p>\n" }
        for file in files {
            let name = escape(file.row["file_name"]?.display ?? "")
            let record = escape(
                "\(file.row["entity_type"]?.display ?? "") \(file.row["entity_id"]?.display ?? "")")
            html +=
                file.path.map { "<p><a href=\"\(escape($0))\">\(name)</a> (on \(record))</p>\n" }
                ?? "<p>\(name) (on \(record)): the stored file is missing.</p>\n"
        }
        return html + "</body></html>\n"
    }

    private static func table(_ rows: [[String: AuditValue]]) -> String {
        guard let first = rows.first else { return "<p>None.</p>\n" }
        let columns = AuditValue.sortedKeys(rows.reduce(into: Set(first.keys)) { $0.formUnion($1.keys) })
        var html = "<div class=\"scroll\"><table><thead><tr>"
        for column in columns { html += "<th scope=\"col\">\(escape(column))</th>" }
        html += "</tr></thead><tbody>\n"
        for row in rows {
            html += "<tr>" + columns.map { "<td>\(escape(row[$0]?.display ?? ""))</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody></table></div>\n"
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
