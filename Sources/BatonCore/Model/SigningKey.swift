import Foundation

/// One of a tenant's signing keys: public JWK in the clear, private key sealed with the master key.
public struct SigningKey: Sendable, Equatable {
    public let tenantID: TenantID
    public let kid: String
    public let algorithm: SigningAlgorithm
    public var state: SigningKeyState
    public let publicJWK: PublicJWK
    /// Nil once the key is retired: its private part is erased.
    public var sealedPrivateKey: SealedSecret?
    public let createdAt: Date
    public var activatedAt: Date?
    public var retiringAt: Date?
    /// When a retiring key may retire: the last access token it signed has expired by then.
    public var retireAfter: Date?
    public var retiredAt: Date?
    public var revokedAt: Date?

    public init(
        tenantID: TenantID,
        kid: String,
        algorithm: SigningAlgorithm,
        state: SigningKeyState,
        publicJWK: PublicJWK,
        sealedPrivateKey: SealedSecret?,
        createdAt: Date,
        activatedAt: Date? = nil,
        retiringAt: Date? = nil,
        retireAfter: Date? = nil,
        retiredAt: Date? = nil,
        revokedAt: Date? = nil
    ) {
        self.tenantID = tenantID
        self.kid = kid
        self.algorithm = algorithm
        self.state = state
        self.publicJWK = publicJWK
        self.sealedPrivateKey = sealedPrivateKey
        self.createdAt = createdAt
        self.activatedAt = activatedAt
        self.retiringAt = retiringAt
        self.retireAfter = retireAfter
        self.retiredAt = retiredAt
        self.revokedAt = revokedAt
    }
}
