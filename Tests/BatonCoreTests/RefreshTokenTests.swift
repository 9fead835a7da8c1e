import Foundation
import Testing

@testable import BatonCore

@Suite("Refresh token format")
struct RefreshTokenTests {
    let token = RefreshToken(sessionID: UUID(), generation: 42, secret: Data((0..<32).map { UInt8($0 * 7 & 0xFF) }))

    @Test("an issued token parses back to itself")
    func roundTrip() throws {
        let parsed = try #require(RefreshToken(parsing: token.encoded))
        #expect(parsed == token)
        #expect(RefreshToken(parsing: RefreshToken(sessionID: token.sessionID, generation: 0, secret: token.secret).encoded)?.generation == 0)
    }

    @Test("a token with its chain proof parses back to itself; the proof is 16 bytes after the secret, or absent")
    func proofRoundTrip() throws {
        let proved = RefreshToken(sessionID: token.sessionID, generation: 7, secret: token.secret, proof: Data(repeating: 5, count: 16))
        #expect(RefreshToken(parsing: proved.encoded) == proved)
        #expect(RefreshToken(parsing: token.encoded)?.proof == nil)
        let id = token.sessionID.uuidString.lowercased()
        for length in [31, 33, 47, 49, 64] {
            #expect(RefreshToken(parsing: "brt_\(id)_7_\(Base64URL.encode(Data(repeating: 1, count: length)))") == nil, "\(length) bytes")
        }
    }

    @Test("anything but the issued form is refused")
    func refusesVariants() {
        let id = token.sessionID.uuidString.lowercased()
        let secret = Base64URL.encode(token.secret)
        let variants = [
            "brt_\(id.uppercased())_42_\(secret)",  // not the canonical lowercase form
            "brt_\(id.replacingOccurrences(of: "-", with: ""))_42_\(secret)",
            "brt_{\(id)}_42_\(secret)",
            "brt_\(id.dropLast())g_42_\(secret)",
            "brt_\(id.replacingOccurrences(of: "-", with: "_"))_42_\(secret)",
            "brt_\(id)_042_\(secret)", "brt_\(id)_-1_\(secret)", "brt_\(id)_+4_\(secret)", "brt_\(id)__\(secret)",
            "brt_\(id)_42_\(secret)A", "brt_\(id)_42_", "xrt_\(id)_42_\(secret)", "brt_\(id)_999999999_\(secret)",
            "", "brt", "brt____", String(repeating: "a", count: 500),
        ]
        for variant in variants {
            #expect(RefreshToken(parsing: variant) == nil, "\(variant)")
        }
    }
}
