import Crypto
import Foundation

/// Seals secrets with the current master key and opens blobs sealed by it or by any older master key still listed.
public struct SecretSealer: Sendable {
    public let current: MasterKey
    private let byID: [String: MasterKey]

    public init(current: MasterKey, previous: [MasterKey] = []) {
        self.current = current
        var byID: [String: MasterKey] = [:]
        for key in previous + [current] { byID[key.id] = key }
        self.byID = byID
    }

    /// AES-256-GCM with `context` (tenant and key id) as associated data, so a blob cannot be moved to another row.
    public func seal(_ plaintext: Data, context: String) throws(BatonError) -> SealedSecret {
        do {
            let box = try AES.GCM.seal(plaintext, using: current.key, authenticating: Data(context.utf8))
            guard let combined = box.combined else { throw BatonError.unavailable("sealing failed") }
            return SealedSecret(masterKeyID: current.id, combined: combined)
        } catch {
            throw .unavailable("sealing failed")
        }
    }

    public func open(_ sealed: SealedSecret, context: String) throws(BatonError) -> Data {
        guard let key = byID[sealed.masterKeyID] else {
            throw .unavailable("a sealed key was sealed by a master key this instance does not have")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.combined)
            return try AES.GCM.open(box, using: key.key, authenticating: Data(context.utf8))
        } catch {
            throw .unavailable("a sealed key failed to open")
        }
    }

    /// Opens `sealed` (under whichever listed master key sealed it) and seals it again under the current one.
    public func reseal(_ sealed: SealedSecret, context: String) throws(BatonError) -> SealedSecret {
        try seal(try open(sealed, context: context), context: context)
    }

    /// The associated data for a signing key's private part.
    public static func signingKeyContext(tenantID: TenantID, kid: String) -> String { "baton/signing-key/\(tenantID)/\(kid)" }

    /// The associated data for a tenant's refresh-chain key.
    public static func chainKeyContext(tenantID: TenantID, id: Int) -> String { "baton/chain-key/\(tenantID)/\(id)" }
}
