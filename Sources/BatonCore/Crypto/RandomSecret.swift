import Crypto
import Foundation

/// Fresh random secrets from the system CSPRNG.
public enum RandomSecret {
    /// `byteCount` random bytes.
    public static func bytes(_ byteCount: Int) -> Data {
        SymmetricKey(size: .init(bitCount: byteCount * 8)).withUnsafeBytes { Data($0) }
    }

    /// A prefixed, URL-safe secret of 256 bits, e.g. `baton_adm_…`, recognisable by secret scanners.
    public static func token(prefix: String) -> String {
        "\(prefix)_\(Base64URL.encode(bytes(32)))"
    }
}
