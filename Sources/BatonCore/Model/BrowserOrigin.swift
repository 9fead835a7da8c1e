/// A web origin (RFC 6454) that a public client's pages are served from, as browsers send it in `Origin`:
/// `scheme://host[:port]`, lower case, without the scheme's default port. Validated when a client is registered, so
/// that a request's `Origin` is then compared with it byte for byte.
public enum BrowserOrigin {
    /// Origins one client may list.
    public static let maximumPerClient = 16

    /// `raw` in the form browsers send; `invalidInput` naming the rule it breaks. Only `https`, and `http` on
    /// loopback hosts (a developer's machine); no wildcard, path, query, fragment or user info.
    public static func validate(_ raw: String) throws(BatonError) -> String {
        let refused = BatonError.invalidInput(
            "allowed_origins entries must be origins such as https://app.example.com (https, or http on localhost or 127.0.0.1; no path, no wildcard)"
        )
        guard raw.utf8.count <= 255, raw.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw refused }
        let lowered = raw.lowercased()
        let scheme: String
        let defaultPort: String
        if lowered.hasPrefix("https://") {
            (scheme, defaultPort) = ("https", "443")
        } else if lowered.hasPrefix("http://") {
            (scheme, defaultPort) = ("http", "80")
        } else {
            throw refused
        }
        let authority = lowered.dropFirst(scheme.count + 3)
        let (host, port) = try split(authority, refused: refused)
        guard scheme == "https" || isLoopback(host) else { throw refused }
        guard let port, port != defaultPort else { return "\(scheme)://\(host)" }
        return "\(scheme)://\(host):\(port)"
    }

    /// `origins` validated, each once, in order; at most `maximumPerClient`.
    public static func validated(_ origins: [String]) throws(BatonError) -> [String] {
        guard origins.count <= maximumPerClient else { throw .invalidInput("allowed_origins may list at most \(maximumPerClient) origins") }
        var seen: [String] = []
        for raw in origins {
            let origin = try validate(raw)
            if !seen.contains(origin) { seen.append(origin) }
        }
        return seen
    }

    /// Host and port of `authority` (`host`, `host:port`, `[v6]` or `[v6]:port`), or `refused`.
    private static func split(_ authority: Substring, refused: BatonError) throws(BatonError) -> (host: Substring, port: Substring?) {
        var host = authority
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw refused }
            host = authority[...close]
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw refused }
                port = rest.dropFirst()
            }
            guard host.dropFirst().dropLast().allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }), host.count > 2 else { throw refused }
        } else {
            if let colon = authority.firstIndex(of: ":") {
                host = authority[..<colon]
                port = authority[authority.index(after: colon)...]
            }
            let labels = host.split(separator: ".", omittingEmptySubsequences: false)
            guard !host.isEmpty, host.count <= 253,
                labels.allSatisfy({ label in
                    (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                        && label.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
                })
            else { throw refused }
        }
        if let port {
            guard (1...5).contains(port.count), port.allSatisfy({ $0 >= "0" && $0 <= "9" }), let number = Int(port), (1...65_535).contains(number),
                port.first != "0"
            else { throw refused }
        }
        return (host, port)
    }

    private static func isLoopback(_ host: Substring) -> Bool {
        let octets = host.split(separator: ".")
        return host == "localhost" || host == "[::1]"
            || (octets.count == 4 && octets[0] == "127" && octets.allSatisfy { octet in Int(octet).map { (0...255).contains($0) } ?? false })
    }
}
