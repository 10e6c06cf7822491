/// A self-contained HTML page in the reports' common style: inline CSS, no external files.
public enum HTMLPage {
    /// The page around `body` (already HTML), titled `title` (plain text).
    public static func render(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(SVGDocument.escape(title)) — ModelCollapse report</title>
        <style>
        body { font-family: sans-serif; max-width: 1100px; margin: 24px auto; color: #222; }
        h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
        table { border-collapse: collapse; font-size: 12px; } td, th { border: 1px solid #ccc; padding: 3px 6px; text-align: right; }
        th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
        .plots { display: flex; flex-wrap: wrap; gap: 12px; } .note { font-size: 12px; color: #555; }
        .thumbnails svg { width: 200px; height: auto; } figure { margin: 0; font-size: 12px; }
        pre { white-space: pre-wrap; font-size: 12px; background: #fafafa; border: 1px solid #eee; padding: 8px; }
        </style></head><body>
        \(body)
        </body></html>

        """
    }

    /// A table of text cells (escaped here); the first column is left-aligned.
    public static func table(header: [String], rows: [[String]]) -> String {
        var html = "<table><tr>" + header.map { "<th>\(SVGDocument.escape($0))</th>" }.joined() + "</tr>\n"
        for row in rows { html += "<tr>" + row.map { "<td>\(SVGDocument.escape($0))</td>" }.joined() + "</tr>\n" }
        return html + "</table>"
    }
}
