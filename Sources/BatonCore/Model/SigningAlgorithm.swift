/// The JWS algorithms Baton signs with; one algorithm per key (RFC 8725 §3.1).
public enum SigningAlgorithm: String, Sendable, CaseIterable, Codable {
    case es256 = "ES256"
    case edDSA = "EdDSA"
    case rs256 = "RS256"

    public init(parsing raw: String) throws(BatonError) {
        guard let alg = Self(rawValue: raw) else {
            throw .invalidInput("signing_alg must be one of ES256, EdDSA, RS256")
        }
        self = alg
    }
}
