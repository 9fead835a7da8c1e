import Foundation

/// A tenant's refresh-chain key (secret[n+1] = HMAC(chain key, secret[n])), sealed with the master key.
public struct ChainKey: Sendable, Equatable {
    public let tenantID: TenantID
    public let id: Int
    public let sealedKey: SealedSecret
    public let createdAt: Date

    public init(tenantID: TenantID, id: Int, sealedKey: SealedSecret, createdAt: Date) {
        self.tenantID = tenantID
        self.id = id
        self.sealedKey = sealedKey
        self.createdAt = createdAt
    }
}
