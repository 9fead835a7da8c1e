import Foundation

/// Makes new signing and chain keys, sealed with the master key before they leave this type.
public struct SigningKeyFactory: Sendable {
    let sealer: SecretSealer

    public init(sealer: SecretSealer) { self.sealer = sealer }

    public func makeSigningKey(
        tenantID: TenantID,
        algorithm: SigningAlgorithm,
        state: SigningKeyState,
        now: Date
    ) async throws(BatonError) -> SigningKey {
        let material = try await Self.generate(algorithm)
        let kid = material.publicJWK.kid
        let sealed = try sealer.seal(material.privateKey, context: SecretSealer.signingKeyContext(tenantID: tenantID, kid: kid))
        return SigningKey(
            tenantID: tenantID,
            kid: kid,
            algorithm: algorithm,
            state: state,
            publicJWK: material.publicJWK,
            sealedPrivateKey: sealed,
            createdAt: now,
            activatedAt: state == .active ? now : nil
        )
    }

    /// RSA generation takes tens to hundreds of milliseconds: it runs on a Dispatch worker, never on the
    /// cooperative threads (one per core) that every request's work needs.
    static func generate(_ algorithm: SigningAlgorithm) async throws(BatonError) -> SigningKeyMaterial {
        guard algorithm == .rs256 else { return try SigningKeyMaterial.generate(algorithm) }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<SigningKeyMaterial, BatonError>, Never>) in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: Result { () throws(BatonError) in try SigningKeyMaterial.generate(algorithm) })
            }
        }
        return try result.get()
    }

    /// A fresh 256-bit refresh-chain key, sealed.
    public func makeChainKey(tenantID: TenantID, id: Int, now: Date) throws(BatonError) -> ChainKey {
        let sealed = try sealer.seal(RandomSecret.bytes(32), context: SecretSealer.chainKeyContext(tenantID: tenantID, id: id))
        return ChainKey(tenantID: tenantID, id: id, sealedKey: sealed, createdAt: now)
    }
}
