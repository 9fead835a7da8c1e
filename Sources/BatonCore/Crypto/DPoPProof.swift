import Crypto
import CryptoExtras
import Foundation

/// A DPoP proof (RFC 9449 §4.2) that passed every check of §4.3 but the replay and nonce checks, which need state
/// and are `DPoPVerifier`'s to make: its key's RFC 7638 thumbprint and the claims those checks read.
public struct DPoPProof: Sendable, Equatable {
    /// The proof key's thumbprint: what a session and an access token (`cnf.jkt`) are bound to.
    public let thumbprint: String
    public let jti: String
    public let issuedAt: Date
    public let nonce: String?

    /// The signature algorithms Baton accepts in proofs, as metadata advertises them.
    public static let algorithms = ["ES256", "EdDSA", "RS256"]
    /// Private-key members a proof's `jwk` must not carry.
    static let privateMembers: Set<String> = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]
    /// The longest proof Baton reads; a header of that size is refused before any parsing.
    public static let maximumLength = 8_192
    /// Seconds a proof is accepted after its `iat`, and its `jti` remembered against replay.
    public static let lifetime: TimeInterval = 300

    /// Checks `compact` (the `DPoP` header's value) for a request of `method` to `url` (built from
    /// `BATON_PUBLIC_URL`, never from the request's Host), at `now`: `iat` no more than `maxAge` in the past or
    /// `maxSkew` in the future; with `accessToken`, an `ath` of its hash. Throws `invalid_dpop_proof` naming the
    /// first check that failed.
    public init(
        compact: String,
        method: String,
        url: String,
        accessToken: String? = nil,
        now: Date,
        maxAge: TimeInterval = lifetime,
        maxSkew: TimeInterval = 60
    ) throws(OAuthError) {
        func refuse(_ reason: String) -> OAuthError { OAuthError(.invalidDPoPProof, "DPoP proof: \(reason)") }
        guard compact.utf8.count <= Self.maximumLength else { throw refuse("too long") }
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Base64URL.decode(String(parts[0])), let claimsData = Base64URL.decode(String(parts[1])),
            let signature = Base64URL.decode(String(parts[2]))
        else { throw refuse("not a compact JWS") }
        guard let header = Self.object(headerData) else { throw refuse("the header is not a JSON object") }
        guard let claims = Self.object(claimsData) else { throw refuse("the claims are not a JSON object") }
        guard (header["typ"] as? String)?.lowercased() == "dpop+jwt" else { throw refuse("typ must be dpop+jwt") }
        guard let alg = header["alg"] as? String, Self.algorithms.contains(alg) else {
            throw refuse("alg must be one of \(Self.algorithms.joined(separator: ", "))")
        }
        guard let jwk = header["jwk"] as? [String: Any] else { throw refuse("jwk is missing") }
        guard Self.privateMembers.isDisjoint(with: jwk.keys) else { throw refuse("jwk must not hold a private key") }
        let signingInput = Data(compact.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        let thumbprint: String
        do {
            thumbprint = try Self.verify(signature, of: signingInput, alg: alg, jwk: jwk)
        } catch let problem as KeyProblem {
            throw refuse(problem.message)
        } catch {
            throw refuse("the signature does not verify with jwk")
        }
        guard let jti = claims["jti"] as? String, (1...256).contains(jti.utf8.count) else { throw refuse("jti must be a string of 1 to 256 bytes") }
        guard let htm = claims["htm"] as? String, htm == method else { throw refuse("htm must be \(method)") }
        guard let htu = claims["htu"] as? String, Self.normalized(htu) == Self.normalized(url) else { throw refuse("htu must be \(url)") }
        guard let iat = (claims["iat"] as? NSNumber)?.doubleValue, iat.isFinite else { throw refuse("iat must be a number") }
        let issuedAt = Date(timeIntervalSince1970: iat)
        guard issuedAt >= now.addingTimeInterval(-maxAge), issuedAt <= now.addingTimeInterval(maxSkew) else {
            throw refuse("iat is too far from the server's time")
        }
        let nonce = claims["nonce"] as? String
        guard claims["nonce"] == nil || nonce != nil else { throw refuse("nonce must be a string") }
        if let accessToken {
            guard let ath = claims["ath"] as? String, ath == Base64URL.encode(SHA256.hash(data: Data(accessToken.utf8))) else {
                throw refuse("ath must be the access token's SHA-256, base64url")
            }
        }
        self.thumbprint = thumbprint
        self.jti = jti
        self.issuedAt = issuedAt
        self.nonce = nonce
    }

    struct KeyProblem: Error {
        let message: String
    }

    /// Verifies `signature` with the public key `jwk` describes and returns that key's thumbprint.
    static func verify(_ signature: Data, of input: Data, alg: String, jwk: [String: Any]) throws -> String {
        let kty = jwk["kty"] as? String
        switch alg {
        case "ES256":
            guard kty == "EC", jwk["crv"] as? String == "P-256", let x = jwk["x"] as? String, let y = jwk["y"] as? String,
                let xBytes = Base64URL.decode(x), let yBytes = Base64URL.decode(y), xBytes.count == 32, yBytes.count == 32
            else { throw KeyProblem(message: "an ES256 proof needs an EC P-256 jwk") }
            guard let key = try? P256.Signing.PublicKey(rawRepresentation: xBytes + yBytes),
                let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature), key.isValidSignature(ecdsa, for: input)
            else { throw KeyProblem(message: "the signature does not verify with jwk") }
            return JWKThumbprint.compute(kty: "EC", crv: "P-256", x: x, y: y)
        case "EdDSA":
            guard kty == "OKP", jwk["crv"] as? String == "Ed25519", let x = jwk["x"] as? String, let xBytes = Base64URL.decode(x),
                xBytes.count == 32
            else { throw KeyProblem(message: "an EdDSA proof needs an OKP Ed25519 jwk") }
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: xBytes), key.isValidSignature(signature, for: input) else {
                throw KeyProblem(message: "the signature does not verify with jwk")
            }
            return JWKThumbprint.compute(kty: "OKP", crv: "Ed25519", x: x)
        default:
            guard kty == "RSA", let n = jwk["n"] as? String, let e = jwk["e"] as? String, let nBytes = Base64URL.decode(n),
                let eBytes = Base64URL.decode(e)
            else { throw KeyProblem(message: "an RS256 proof needs an RSA jwk") }
            guard let key = try? _RSA.Signing.PublicKey(n: nBytes, e: eBytes) else { throw KeyProblem(message: "an RSA jwk of at least 2048 bits") }
            guard key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: input, padding: .insecurePKCS1v1_5) else {
                throw KeyProblem(message: "the signature does not verify with jwk")
            }
            return JWKThumbprint.compute(kty: "RSA", n: n, e: e)
        }
    }

    /// A JSON object, strictly parsed (no repeated members, bounded depth), or nil.
    static func object(_ data: Data) -> [String: Any]? {
        guard (try? StrictJSON.check(data)) != nil else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// `url` without query and fragment, scheme and host in lower case, without a default port (RFC 9449 §4.3,
    /// RFC 3986 §6.2.2 and §6.2.3).
    static func normalized(_ url: String) -> String? {
        guard var components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), let host = components.host?.lowercased()
        else { return nil }
        components.query = nil
        components.fragment = nil
        components.scheme = scheme
        components.host = host
        if (scheme == "https" && components.port == 443) || (scheme == "http" && components.port == 80) { components.port = nil }
        if components.path.isEmpty { components.path = "/" }
        return components.string
    }
}
