import BatonCore
import Crypto
import Foundation

/// A client's DPoP key for tests: signs RFC 9449 proofs as a client library would, and can break any part of one.
public struct DPoPTestKey: Sendable {
    public enum Algorithm: Sendable {
        case es256, edDSA
    }

    let algorithm: Algorithm
    let p256 = P256.Signing.PrivateKey()
    let ed25519 = Curve25519.Signing.PrivateKey()

    public init(_ algorithm: Algorithm = .es256) {
        self.algorithm = algorithm
    }

    /// The public JWK, as a proof's header carries it.
    public var jwk: [String: String] {
        switch algorithm {
        case .es256:
            let raw = p256.publicKey.rawRepresentation
            return ["kty": "EC", "crv": "P-256", "x": Base64URL.encode(raw.prefix(32)), "y": Base64URL.encode(raw.suffix(32))]
        case .edDSA:
            return ["kty": "OKP", "crv": "Ed25519", "x": Base64URL.encode(ed25519.publicKey.rawRepresentation)]
        }
    }

    /// RFC 7638 thumbprint of the key: what Baton binds sessions and access tokens to.
    public var thumbprint: String {
        let jwk = self.jwk
        return JWKThumbprint.compute(kty: jwk["kty"] ?? "", crv: jwk["crv"], x: jwk["x"], y: jwk["y"])
    }

    /// A proof for `method` on `url`; every member can be overridden or broken for refusal tests.
    public func proof(
        method: String = "POST",
        url: String,
        nonce: String? = nil,
        accessToken: String? = nil,
        issuedAt: Date = Date(),
        jti: String = UUID().uuidString,
        header overrides: [String: Any] = [:],
        claims claimOverrides: [String: Any] = [:],
        signedBy signer: DPoPTestKey? = nil
    ) -> String {
        var header: [String: Any] = ["typ": "dpop+jwt", "alg": algorithm == .es256 ? "ES256" : "EdDSA", "jwk": jwk]
        for (key, value) in overrides { header[key] = value }
        var claims: [String: Any] = ["jti": jti, "htm": method, "htu": url, "iat": Int(issuedAt.timeIntervalSince1970)]
        if let nonce { claims["nonce"] = nonce }
        if let accessToken { claims["ath"] = Base64URL.encode(SHA256.hash(data: Data(accessToken.utf8))) }
        for (key, value) in claimOverrides { claims[key] = value }
        let encodedHeader = Self.encode(header)
        let encodedClaims = Self.encode(claims)
        let input = Data("\(encodedHeader).\(encodedClaims)".utf8)
        return "\(encodedHeader).\(encodedClaims).\(Base64URL.encode((signer ?? self).sign(input)))"
    }

    func sign(_ input: Data) -> Data {
        switch algorithm {
        case .es256: (try? p256.signature(for: input).rawRepresentation) ?? Data()
        case .edDSA: (try? ed25519.signature(for: input)) ?? Data()
        }
    }

    static func encode(_ object: [String: Any]) -> String {
        Base64URL.encode((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }
}
