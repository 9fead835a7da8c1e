import Foundation

/// Where a session's chain stood when refresh-token proofs were introduced (migration 0009): its generation and the
/// hash of its secret then. Tokens the session had been issued until that moment carry no proof; one of them
/// presented two or more generations behind the session is proved to be an ancestor by deriving forward to this
/// head, a distance fixed at the upgrade that later rotations never lengthen.
public struct LegacyChainHead: Sendable, Equatable {
    public let generation: Int
    public let hash: Data

    public init(generation: Int, hash: Data) {
        self.generation = generation
        self.hash = hash
    }
}
