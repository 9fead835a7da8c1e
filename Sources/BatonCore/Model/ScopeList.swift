/// OAuth scope strings (RFC 6749 §3.3): space-separated tokens of printable ASCII without `"` or `\`.
public enum ScopeList {
    /// Parses a `scope` parameter; nil stays nil (meaning "the default").
    public static func parse(_ raw: String?) throws(OAuthError) -> [String]? {
        guard let raw else { return nil }
        let tokens = raw.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        for token in tokens where !isValid(token) { throw OAuthError(.invalidScope, "scope holds an invalid token") }
        return Array(Set(tokens)).sorted()
    }

    public static func validateToken(_ token: String, field: String) throws(BatonError) {
        guard isValid(token) else {
            throw .invalidInput("each entry of \(field) must be 1 to 128 printable ASCII characters without spaces, quotes or backslashes")
        }
    }

    static func isValid(_ token: String) -> Bool {
        (1...128).contains(token.utf8.count) && token.utf8.allSatisfy { $0 == 0x21 || ($0 >= 0x23 && $0 <= 0x5B) || ($0 >= 0x5D && $0 <= 0x7E) }
    }
}
