import Crypto
import Foundation

/// The AES-256 key that seals private keys and chain keys; it never enters the database.
public struct MasterKey: Sendable {
    /// A short fingerprint recorded with each sealed blob: SHA-256 of the key, first 8 bytes in hex. Not secret-revealing.
    public let id: String
    let key: SymmetricKey

    /// Parses standard base64 of exactly 32 bytes.
    public init(base64: String) throws(BatonError) {
        guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespaces)), data.count == 32 else {
            throw .invalidInput("master key must be base64 of exactly 32 bytes")
        }
        self.init(key: SymmetricKey(data: data))
    }

    init(key: SymmetricKey) {
        self.key = key
        let digest = key.withUnsafeBytes { SHA256.hash(data: Data($0)) }
        self.id = digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// A fresh random master key (memory mode and tests).
    public static func generate() -> MasterKey { MasterKey(key: SymmetricKey(size: .bits256)) }

    /// The key as base64, to print once for an ephemeral memory-mode instance.
    public var base64: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }
}
