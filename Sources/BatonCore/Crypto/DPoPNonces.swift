import Crypto
import Foundation

/// Server-provided DPoP nonces (RFC 9449 §8), stateless so that every instance accepts every other's, and
/// unforgeable: a nonce is its time window and an HMAC over the tenant and that window, under a key derived from the
/// master key. One is good in the window it was issued in and the next, so a client holding the latest
/// `DPoP-Nonce` never meets `use_dpop_nonce` but at start.
public struct DPoPNonces: Sendable {
    let key: SymmetricKey
    /// Seconds a window lasts.
    public let window: TimeInterval

    public init(masterKey: MasterKey, window: TimeInterval = 300) {
        self.key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: masterKey.key,
            info: Data("baton dpop nonce v1".utf8),
            outputByteCount: 32
        )
        self.window = window
    }

    /// The nonce for `tenant` now.
    public func current(tenant: TenantID, now: Date) -> String {
        nonce(tenant: tenant, window: windowNumber(now))
    }

    /// Whether `nonce` is this or the previous window's nonce for `tenant`.
    public func accepts(_ nonce: String, tenant: TenantID, now: Date) -> Bool {
        let current = windowNumber(now)
        return [current, current - 1].contains { window in
            let expected = Data(self.nonce(tenant: tenant, window: window).utf8)
            return SecretDigest.equal(expected, Data(nonce.utf8))
        }
    }

    private func windowNumber(_ now: Date) -> Int64 {
        Int64((now.timeIntervalSince1970 / window).rounded(.down))
    }

    private func nonce(tenant: TenantID, window: Int64) -> String {
        var message = Data(tenant.uuid.uuidString.lowercased().utf8)
        withUnsafeBytes(of: window.bigEndian) { message.append(contentsOf: $0) }
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return "\(window)." + Base64URL.encode(Data(mac).prefix(18))
    }
}
