import Foundation

/// A presented or issued refresh token: `brt_<session id>_<generation>_<secret>`, parsed strictly.
/// The prefix lets secret scanners spot leaks; the secret is base64url and may itself contain `_`.
public struct RefreshToken: Sendable, Equatable {
    public static let prefix = "brt"
    /// Generations are bounded far above what a session can reach in its absolute lifetime.
    public static let maxGeneration = 100_000_000
    static let maxLength = 200

    public let sessionID: UUID
    public let generation: Int
    /// The 32 secret bytes; only their SHA-256 is ever stored.
    public let secret: Data

    public init(sessionID: UUID, generation: Int, secret: Data) {
        self.sessionID = sessionID
        self.generation = generation
        self.secret = secret
    }

    /// Parses by splitting at the first three separators only; anything else is nil, never a crash.
    public init?(parsing raw: String) {
        guard raw.utf8.count <= Self.maxLength else { return nil }
        let parts = raw.split(separator: "_", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.prefix,
            let sessionID = Self.parseSessionID(parts[1]),
            let generation = Self.parseGeneration(parts[2]),
            let secret = Base64URL.decode(String(parts[3])), secret.count == 32
        else { return nil }
        self.init(sessionID: sessionID, generation: generation, secret: secret)
    }

    /// The token as handed to a client.
    public var encoded: String {
        "\(Self.prefix)_\(sessionID.uuidString.lowercased())_\(generation)_\(Base64URL.encode(secret))"
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
