/// The `Authorization` header (RFC 9110 §11.6.2): its scheme, in lower case, and its credentials.
enum AuthorizationHeader {
    /// Scheme and credentials of `header`; nil when there is none or it has no credentials.
    static func parse(_ header: String?) -> (scheme: String, credentials: String)? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        return (parts[0].lowercased(), String(parts[1]))
    }
}
