import Crypto
import Foundation

/// RFC 7638 JWK thumbprints, used as `kid`: unique per key, and derived from nothing secret.
public enum JWKThumbprint {
    /// SHA-256 over the required members in lexicographic order, base64url.
    public static func compute(kty: String, crv: String? = nil, x: String? = nil, y: String? = nil, n: String? = nil, e: String? = nil) -> String {
        let members: [(String, String?)] =
            switch kty {
            case "EC": [("crv", crv), ("kty", kty), ("x", x), ("y", y)]
            case "OKP": [("crv", crv), ("kty", kty), ("x", x)]
            default: [("e", e), ("kty", kty), ("n", n)]
            }
        // Member values are base64url or fixed names: no JSON escaping is ever needed.
        let json = "{" + members.map { "\"\($0.0)\":\"\($0.1 ?? "")\"" }.joined(separator: ",") + "}"
        return Base64URL.encode(SHA256.hash(data: Data(json.utf8)))
    }
}
