import Crypto
import CryptoExtras
import Foundation

/// A freshly generated key pair: its public JWK (kid = thumbprint) and its private key bytes, still unsealed.
public struct SigningKeyMaterial: Sendable {
    public let algorithm: SigningAlgorithm
    public let publicJWK: PublicJWK
    /// ES256 / EdDSA: raw private scalar; RS256: PKCS#1 DER.
    public let privateKey: Data

    /// Generates a new key of `algorithm` (RSA keys are 2048 bits).
    public static func generate(_ algorithm: SigningAlgorithm) throws(BatonError) -> SigningKeyMaterial {
        switch algorithm {
        case .es256:
            let key = P256.Signing.PrivateKey()
            // x963 is 0x04 ‖ X ‖ Y with 32-byte coordinates.
            let point = key.publicKey.x963Representation.dropFirst()
            let x = Base64URL.encode(point.prefix(32))
            let y = Base64URL.encode(point.suffix(32))
            let kid = JWKThumbprint.compute(kty: "EC", crv: "P-256", x: x, y: y)
            return .init(
                algorithm: algorithm,
                publicJWK: PublicJWK(kty: "EC", kid: kid, alg: algorithm, crv: "P-256", x: x, y: y),
                privateKey: key.rawRepresentation
            )
        case .edDSA:
            let key = Curve25519.Signing.PrivateKey()
            let x = Base64URL.encode(key.publicKey.rawRepresentation)
            let kid = JWKThumbprint.compute(kty: "OKP", crv: "Ed25519", x: x)
            return .init(
                algorithm: algorithm,
                publicJWK: PublicJWK(kty: "OKP", kid: kid, alg: algorithm, crv: "Ed25519", x: x),
                privateKey: key.rawRepresentation
            )
        case .rs256:
            do {
                let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
                let primitives = try key.publicKey.getKeyPrimitives()
                let n = Base64URL.encode(primitives.modulus)
                let e = Base64URL.encode(primitives.publicExponent)
                let kid = JWKThumbprint.compute(kty: "RSA", n: n, e: e)
                return .init(
                    algorithm: algorithm,
                    publicJWK: PublicJWK(kty: "RSA", kid: kid, alg: algorithm, n: n, e: e),
                    privateKey: key.derRepresentation
                )
            } catch {
                throw .unavailable("RSA key generation failed")
            }
        }
    }
}
