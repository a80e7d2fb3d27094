import Foundation

/// The web pages' frame: server-rendered HTML with a little CSS and no script. Every value
/// from the ledger or a request goes through ``escape(_:)``.
enum HTMLPage {
    /// `text` safe inside an element or a quoted attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A whole page: the title, who is signed in (with the way out), a notice when there is
    /// one (`tone` is `ok` or `error`), and the body.
    static func render(title: String, signedIn user: String? = nil, csrf: String? = nil, notice: (tone: String, text: String)? = nil, body: String) -> String {
        var navigation = ""
        if let user {
            navigation = """
                <nav><a href="/ui/pending">Pending gates</a> <a href="/ui/history">History</a>
                <form method="post" action="/ui/logout" class="inline"><input type="hidden" name="csrf" value="\(escape(csrf ?? ""))">
                <span class="who">\(escape(user))</span> <button type="submit">Sign out</button></form></nav>
                """
        }
        let noticeHTML = notice.map { #"<p class="notice \#($0.tone)" role="status">\#(escape($0.text))</p>"# } ?? ""
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · Slipway</title>
            <style>\(style)</style>
            </head>
            <body>
            <header><h1>Slipway</h1>\(navigation)</header>
            <main>
            <h2>\(escape(title))</h2>
            \(noticeHTML)
            \(body)
            </main>
            </body>
            </html>
            """
    }

    /// Dates as the CLI prints them: UTC, to the second.
    static func date(_ date: Date?) -> String {
        guard let date else { return "–" }
        return date.formatted(Date.ISO8601FormatStyle())
    }

    static let style = """
        body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
        header { display: flex; align-items: center; gap: 2rem; padding: .6rem 1.5rem; background: #1d2330; color: #fff; }
        header h1 { font-size: 1.1rem; margin: 0; }
        header a { color: #cfe0ff; margin-right: 1rem; }
        nav { display: flex; align-items: center; gap: .5rem; flex: 1; }
        nav form { margin-left: auto; }
        .who { color: #cfe0ff; }
        main { max-width: 70rem; margin: 1.5rem auto; padding: 0 1.5rem; }
        .notice { padding: .6rem .9rem; border-radius: 4px; }
        .notice.ok { background: #e2f4e6; border: 1px solid #7cc48b; }
        .notice.error { background: #fbe4e4; border: 1px solid #e08a8a; }
        .gate { background: #fff; border: 1px solid #d5d9e0; border-radius: 6px; padding: 1rem 1.2rem; margin-bottom: 1rem; }
        .gate h3 { margin: 0 0 .4rem; font-size: 1.05rem; }
        .waits li { margin: .15rem 0; }
        .decisions { color: #4a5468; }
        form.decide { display: flex; gap: .5rem; align-items: center; margin-top: .6rem; flex-wrap: wrap; }
        form.decide input[type=text] { flex: 1; min-width: 14rem; padding: .35rem; }
        form.inline { display: inline; }
        button { padding: .35rem .8rem; cursor: pointer; }
        button.approve { background: #1f7a3a; color: #fff; border: 0; border-radius: 4px; }
        button.reject { background: #a52a2a; color: #fff; border: 0; border-radius: 4px; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e3e6eb; font-size: .9rem; }
        code { font-size: .85rem; }
        .login { max-width: 30rem; }
        .login input { width: 100%; padding: .45rem; margin: .4rem 0 .8rem; font-family: monospace; }
        """
}
