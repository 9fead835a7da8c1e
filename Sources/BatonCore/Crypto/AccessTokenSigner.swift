import Crypto
import CryptoExtras
import Foundation

/// Signs access tokens with one private key, as a plain value: no actor, so signing runs on every core at once.
/// (JWTKit's key collection is an actor and would serialise every signature; JWTKit still verifies.)
public struct AccessTokenSigner: Sendable {
    enum PrivateKey: Sendable {
        case es256(P256.Signing.PrivateKey)
        case edDSA(Curve25519.Signing.PrivateKey)
        case rs256(_RSA.Signing.PrivateKey)
    }

    public let kid: String
    public let algorithm: SigningAlgorithm
    let key: PrivateKey
    /// The encoded protected header, the same for every token of this key.
    private let encodedHeader: String

    /// `raw` is the unsealed private key in the form `SigningKeyMaterial` produced it.
    public init(kid: String, algorithm: SigningAlgorithm, rawPrivateKey raw: Data) throws(BatonError) {
        do {
            switch algorithm {
            case .es256: key = .es256(try P256.Signing.PrivateKey(rawRepresentation: raw))
            case .edDSA: key = .edDSA(try Curve25519.Signing.PrivateKey(rawRepresentation: raw))
            case .rs256: key = .rs256(try _RSA.Signing.PrivateKey(derRepresentation: raw))
            }
        } catch {
            throw .unavailable("a signing key could not be loaded")
        }
        self.kid = kid
        self.algorithm = algorithm
        let header = #"{"alg":"\#(algorithm.rawValue)","kid":"\#(kid)","typ":"at+jwt"}"#
        encodedHeader = Base64URL.encode(Data(header.utf8))
    }

    /// The compact JWS of `claims`.
    public func sign(_ claims: AccessTokenClaims) throws -> String {
        let signingInput = encodedHeader + "." + Base64URL.encode(claims.json)
        let data = Data(signingInput.utf8)
        let signature: Data =
            switch key {
            case .es256(let key): try key.signature(for: data).rawRepresentation
            case .edDSA(let key): try key.signature(for: data)
            case .rs256(let key): try key.signature(for: data, padding: .insecurePKCS1v1_5).rawRepresentation
            }
        return signingInput + "." + Base64URL.encode(signature)
    }
}
