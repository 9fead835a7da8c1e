/// The public half of a signing key as RFC 7517/7518 members; holds no private member by construction.
public struct PublicJWK: Sendable, Equatable, Codable {
    public let kty: String
    public let kid: String
    public let use: String
    public let alg: String
    public let crv: String?
    public let x: String?
    public let y: String?
    public let n: String?
    public let e: String?

    public init(
        kty: String,
        kid: String,
        alg: SigningAlgorithm,
        crv: String? = nil,
        x: String? = nil,
        y: String? = nil,
        n: String? = nil,
        e: String? = nil
    ) {
        self.kty = kty
        self.kid = kid
        self.use = "sig"
        self.alg = alg.rawValue
        self.crv = crv
        self.x = x
        self.y = y
        self.n = n
        self.e = e
    }
}
