import Foundation

/// A secret encrypted with a master key (AES-256-GCM); records which master key sealed it.
public struct SealedSecret: Sendable, Equatable {
    /// The `MasterKey.id` that sealed this blob, so old blobs open during a master-key change-over.
    public let masterKeyID: String
    /// nonce ‖ ciphertext ‖ tag.
    public let combined: Data

    public init(masterKeyID: String, combined: Data) {
        self.masterKeyID = masterKeyID
        self.combined = combined
    }
}
