import Crypto
import Foundation

/// SHA-256 of a presented secret: what Baton stores and looks up instead of the secret itself.
public enum SecretDigest {
    public static func sha256(_ secret: String) -> Data { Data(SHA256.hash(data: Data(secret.utf8))) }

    /// Constant-time comparison of two digests.
    public static func equal(_ lhs: Data, _ rhs: Data) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
        return difference == 0
    }
}
