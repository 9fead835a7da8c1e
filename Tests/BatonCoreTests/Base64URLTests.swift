import BatonCore
import Foundation
import Testing

@Suite("base64url")
struct Base64URLTests {
    @Test("RFC 4648 §10 vectors, unpadded, and the URL-safe alphabet")
    func vectors() {
        for (plain, encoded) in [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
        ] {
            #expect(Base64URL.encode(Data(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Data(plain.utf8))
        }
        #expect(Base64URL.encode(Data([0xFB, 0xFF])) == "-_8")
    }

    @Test("round trips agree with Foundation's base64 for random data of every length")
    func roundTrip() {
        for length in 0..<70 {
            let data = Data((0..<length).map { _ in UInt8.random(in: 0...255) })
            let encoded = Base64URL.encode(data)
            let foundation = data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(encoded == foundation)
            #expect(Base64URL.decode(encoded) == data)
        }
    }

    @Test("non-canonical trailing bits are refused", arguments: ["Zh", "Zm9"])
    func canonical(_ input: String) {
        // "Zh" and "Zm9" would decode to "f" and "fo" with stray low bits; only "Zg" and "Zm8" are canonical.
        #expect(Base64URL.decode(input) == nil)
        #expect(Base64URL.decode(String(input.dropLast()) + (input == "Zh" ? "g" : "8")) != nil)
    }
}
