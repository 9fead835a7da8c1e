/// Splits a migration file into single statements: PostgresNIO sends each query as a prepared statement,
/// which holds one command only. Semicolons inside quotes, comments and dollar-quoted bodies do not split.
enum SQLScript {
    static func statements(in sql: String) -> [String] {
        let chars = Array(sql.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0

        func flush() {
            let statement = String(current).trimmingWhitespace()
            if !statement.isEmpty && !statement.isOnlyComments { statements.append(statement) }
            current = String.UnicodeScalarView()
        }
        func copy(until end: Int) {
            current.append(contentsOf: chars[index..<min(end, chars.count)])
            index = min(end, chars.count)
        }

        while index < chars.count {
            let char = chars[index]
            let next: Unicode.Scalar? = index + 1 < chars.count ? chars[index + 1] : nil
            switch char {
            case "'", "\"":
                // Quoted literal or identifier; a doubled quote is an escaped quote and stays inside.
                var end = index + 1
                while end < chars.count {
                    if chars[end] == char {
                        if end + 1 < chars.count && chars[end + 1] == char {
                            end += 2
                            continue
                        }
                        break
                    }
                    end += 1
                }
                copy(until: end + 1)
            case "-" where next == "-":
                var end = index
                while end < chars.count && chars[end] != "\n" { end += 1 }
                copy(until: end)
            case "/" where next == "*":
                var end = index + 2
                while end + 1 < chars.count && !(chars[end] == "*" && chars[end + 1] == "/") { end += 1 }
                copy(until: end + 2)
            case "$":
                // Dollar quoting: $tag$ ... $tag$ (tag may be empty).
                var tagEnd = index + 1
                while tagEnd < chars.count && (chars[tagEnd].properties.isAlphabetic || chars[tagEnd] == "_" || ("0"..."9").contains(chars[tagEnd])) {
                    tagEnd += 1
                }
                guard tagEnd < chars.count, chars[tagEnd] == "$" else {
                    copy(until: index + 1)
                    continue
                }
                let tag = Array(chars[index...tagEnd])
                var end = tagEnd + 1
                while end + tag.count <= chars.count && Array(chars[end..<(end + tag.count)]) != tag { end += 1 }
                copy(until: end + tag.count)
            case ";":
                index += 1
                flush()
            default:
                copy(until: index + 1)
            }
        }
        flush()
        return statements
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let scalars = unicodeScalars.drop { $0.properties.isWhitespace }.reversed().drop { $0.properties.isWhitespace }.reversed()
        return String(String.UnicodeScalarView(scalars))
    }

    /// True when every line is blank or a `--` comment.
    fileprivate var isOnlyComments: Bool {
        split(separator: "\n").allSatisfy { line in
            let trimmed = String(line).trimmingWhitespace()
            return trimmed.isEmpty || trimmed.hasPrefix("--")
        }
    }
}
