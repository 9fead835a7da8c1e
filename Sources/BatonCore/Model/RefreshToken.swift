import Foundation

/// A presented or issued refresh token: `brt_<session id>_<generation>_<secret and proof>`, parsed strictly.
/// The prefix lets secret scanners spot leaks; the last part is base64url (it may itself contain `_`) of the 32
/// secret bytes followed by the 16-byte chain proof (`RefreshChain.proof`), which lets Baton tell a token it issued
/// from a forged one in constant time. Tokens issued before proofs existed carry the secret alone.
public struct RefreshToken: Sendable, Equatable {
    public static let prefix = "brt"
    /// Generations are bounded far above what a session can reach in its absolute lifetime.
    public static let maxGeneration = 100_000_000
    static let maxLength = 200
    static let secretLength = 32
    static let proofLength = 16

    public let sessionID: UUID
    public let generation: Int
    /// The 32 secret bytes; only their SHA-256 is ever stored.
    public let secret: Data
    /// The chain proof over session id, generation and secret; nil on a token issued before proofs existed.
    public let proof: Data?

    public init(sessionID: UUID, generation: Int, secret: Data, proof: Data? = nil) {
        self.sessionID = sessionID
        self.generation = generation
        self.secret = secret
        self.proof = proof
    }

    /// Parses by splitting at the first three separators only; anything else is nil, never a crash.
    public init?(parsing raw: String) {
        guard raw.utf8.count <= Self.maxLength else { return nil }
        let parts = raw.split(separator: "_", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.prefix,
            let sessionID = Self.parseSessionID(parts[1]),
            let generation = Self.parseGeneration(parts[2]),
            let bytes = Base64URL.decode(String(parts[3])), bytes.count == Self.secretLength || bytes.count == Self.secretLength + Self.proofLength
        else { return nil }
        let secret = Data(bytes.prefix(Self.secretLength))
        self.init(
            sessionID: sessionID,
            generation: generation,
            secret: secret,
            proof: bytes.count > Self.secretLength ? Data(bytes.suffix(Self.proofLength)) : nil
        )
    }

    /// The token as handed to a client.
    public var encoded: String {
        "\(Self.prefix)_\(sessionID.uuidString.lowercased())_\(generation)_\(Base64URL.encode(secret + (proof ?? Data())))"
    }

    /// The canonical lowercase UUID form, the only one Baton issues (8-4-4-4-12 lowercase hex digits).
    private static func parseSessionID(_ text: Substring) -> UUID? {
        let characters = Array(text.utf8)
        guard characters.count == 36 else { return nil }
        var octets: [UInt8] = []
        octets.reserveCapacity(16)
        var index = 0
        while index < characters.count {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard characters[index] == UInt8(ascii: "-") else { return nil }
                index += 1
                continue
            }
            // Groups have even lengths, so a digit pair never straddles a hyphen.
            guard let high = HexDigit.lowercaseValue(characters[index]), let low = HexDigit.lowercaseValue(characters[index + 1]) else { return nil }
            octets.append(high << 4 | low)
            index += 2
        }
        return octets.withUnsafeBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
    }

    /// Decimal without sign or leading zeros, at most `maxGeneration`.
    private static func parseGeneration(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 9, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            text == "0" || text.first != "0", let value = Int(text), value <= maxGeneration
        else { return nil }
        return value
    }
}
