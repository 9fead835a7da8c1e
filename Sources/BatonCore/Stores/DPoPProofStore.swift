import Foundation

/// The DPoP proofs already accepted (RFC 9449 §11.1), shared by every instance, so that each proof is used once.
public protocol DPoPProofStore: Sendable {
    /// Records a proof by its replay key (`DPoPVerifier.replayKey`) until `expiresAt`; false when that key is
    /// recorded already: a replay. Atomic across instances.
    func recordDPoPProof(tenantID: TenantID, replayKey: Data, expiresAt: Date) async throws -> Bool
}
