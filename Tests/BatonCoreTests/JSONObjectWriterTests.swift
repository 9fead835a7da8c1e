import Foundation
import JWTKit
import Testing

@testable import BatonCore

@Suite("JSON object writer")
struct JSONObjectWriterTests {
    @Test(
        "strings survive a round trip through a JSON parser, escapes included",
        arguments: [
            "", "plain", "quote \" and \\ backslash", "line\nbreak\r\ttab", "\u{0}\u{1}\u{1F}\u{7F}", "café ☕ 𝄞", "a/b</script>", "\u{2028}\u{2029}",
        ]
    )
    func roundTrips(_ value: String) throws {
        var writer = JSONObjectWriter()
        writer.add("s", value)
        writer.add("n", -42)
        writer.add("list", [value, "x"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(writer.finish())) as? [String: Any])
        #expect(object["s"] as? String == value)
        #expect(object["n"] as? Int == -42)
        #expect(object["list"] as? [String] == [value, "x"])
    }

    @Test("an empty object is {}")
    func empty() {
        #expect(String(decoding: JSONObjectWriter().finish(), as: UTF8.self) == "{}")
    }

    @Test("access-token claims written by hand decode to the same claims", arguments: [["https://a.example/t/x"], ["api-1", "api-2"]])
    func claims(_ audience: [String]) throws {
        let claims = AccessTokenClaims(
            issuer: "https://a.example/t/x",
            subject: "user \"1\"",
            audience: audience,
            issuedAt: Date(timeIntervalSince1970: 1_800_000_000.7),
            lifetime: 300,
            clientID: "app",
            scope: ["profile", "email"],
            sessionID: UUID()
        )
        // NumericDate: seconds since 1970, as JWTKit's own decoder reads them.
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let decoded = try decoder.decode(AccessTokenClaims.self, from: Data(claims.json))
        #expect(decoded == claims)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(claims.json)) as? [String: Any])
        #expect(object["exp"] as? Int == 1_800_000_300)
        if audience.count == 1 { #expect(object["aud"] as? String == audience[0]) } else { #expect(object["aud"] as? [String] == audience) }
        let withoutSession = AccessTokenClaims(
            issuer: "i",
            subject: "s",
            audience: ["i"],
            issuedAt: Date(),
            lifetime: 60,
            clientID: "c",
            scope: [],
            sessionID: nil
        )
        let other = try #require(try JSONSerialization.jsonObject(with: Data(withoutSession.json)) as? [String: Any])
        #expect(other["sid"] == nil)
        #expect(Set(other.keys) == ["iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope"])
    }
}
