import BatonCore
import BatonTestSupport
import Foundation
import Testing

@Suite("DPoP proofs (RFC 9449 §4.3) and server nonces")
struct DPoPProofTests {
    static let url = "https://auth.example.test/t/acme/oauth/token"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func check(_ compact: String, method: String = "POST", url: String = url, accessToken: String? = nil) throws(OAuthError) -> DPoPProof {
        try DPoPProof(compact: compact, method: method, url: url, accessToken: accessToken, now: now)
    }

    @Test("a proof by an ES256 or EdDSA key passes and names the key's RFC 7638 thumbprint", arguments: [DPoPTestKey.Algorithm.es256, .edDSA])
    func valid(algorithm: DPoPTestKey.Algorithm) throws {
        let key = DPoPTestKey(algorithm)
        let proof = try Self.check(key.proof(url: Self.url, nonce: "n", issuedAt: Self.now, jti: "j-1"))
        #expect(proof.thumbprint == key.thumbprint)
        #expect(proof.jti == "j-1")
        #expect(proof.nonce == "n")
        #expect(proof.issuedAt == Self.now)
        // htu compares without query and fragment, with scheme and host in any case and the default port.
        #expect(throws: Never.self) {
            try Self.check(key.proof(url: "HTTPS://Auth.Example.Test:443/t/acme/oauth/token?x=1#f", issuedAt: Self.now))
        }
    }

    @Test("each broken part is invalid_dpop_proof naming it")
    func refusals() {
        let key = DPoPTestKey()
        let other = DPoPTestKey()
        let cases: [(String, String)] = [
            ("not a jwt", "compact JWS"),
            (key.proof(url: Self.url, issuedAt: Self.now, header: ["typ": "JWT"]), "typ"),
            (key.proof(url: Self.url, issuedAt: Self.now, header: ["alg": "none"]), "alg"),
            (key.proof(url: Self.url, issuedAt: Self.now, header: ["alg": "HS256"]), "alg"),
            (key.proof(url: Self.url, issuedAt: Self.now, header: ["jwk": NSNull()]), "jwk"),
            (key.proof(url: Self.url, issuedAt: Self.now, header: ["jwk": key.jwk.merging(["d": "secret"]) { $1 }]), "private"),
            (key.proof(url: Self.url, issuedAt: Self.now, header: ["jwk": ["kty": "OKP", "crv": "Ed25519", "x": key.jwk["x"]!]]), "P-256"),
            (key.proof(url: Self.url, issuedAt: Self.now, signedBy: other), "signature"),
            (key.proof(method: "GET", url: Self.url, issuedAt: Self.now), "htm"),
            (key.proof(url: "https://auth.example.test/t/other/oauth/token", issuedAt: Self.now), "htu"),
            (key.proof(url: "https://evil.example/t/acme/oauth/token", issuedAt: Self.now), "htu"),
            (key.proof(url: Self.url, issuedAt: Self.now.addingTimeInterval(-301)), "iat"),
            (key.proof(url: Self.url, issuedAt: Self.now.addingTimeInterval(61)), "iat"),
            (key.proof(url: Self.url, issuedAt: Self.now, claims: ["iat": "yesterday"]), "iat"),
            (key.proof(url: Self.url, issuedAt: Self.now, jti: ""), "jti"),
            (key.proof(url: Self.url, issuedAt: Self.now, claims: ["nonce": 5]), "nonce"),
            (String(repeating: "a", count: 9000), "too long"),
        ]
        for (compact, reason) in cases {
            do {
                _ = try Self.check(compact)
                Issue.record("accepted a proof with a broken \(reason)")
            } catch {
                #expect(error.code == .invalidDPoPProof && error.message.contains(reason), "\(reason): \(error)")
            }
        }
    }

    @Test("with an access token the proof must carry its hash (ath)")
    func accessTokenHash() throws {
        let key = DPoPTestKey()
        let url = "https://auth.example.test/t/acme/me"
        /// Checks, for a request with "token-a", a proof made over `hashed` (nil: no `ath`).
        func check(proofOver hashed: String?) throws(OAuthError) {
            _ = try Self.check(
                key.proof(method: "GET", url: url, accessToken: hashed, issuedAt: Self.now),
                method: "GET",
                url: url,
                accessToken: "token-a"
            )
        }
        #expect(throws: Never.self) { try check(proofOver: "token-a") }
        #expect(throws: OAuthError.self) { try check(proofOver: "token-b") }
        #expect(throws: OAuthError.self) { try check(proofOver: nil) }
    }

    @Test("nonces: accepted in their window and the next, for their tenant only, under their master key only")
    func nonces() {
        let master = MasterKey.generate()
        let nonces = DPoPNonces(masterKey: master, window: 300)
        let tenant = TenantID(UUID())
        let nonce = nonces.current(tenant: tenant, now: Self.now)
        #expect(nonces.accepts(nonce, tenant: tenant, now: Self.now))
        #expect(nonces.accepts(nonce, tenant: tenant, now: Self.now.addingTimeInterval(299)))
        // The next window still takes it, so a client's nonce never expires in the middle of its retry.
        #expect(nonces.current(tenant: tenant, now: Self.now.addingTimeInterval(300)) != nonce)
        #expect(nonces.accepts(nonce, tenant: tenant, now: Self.now.addingTimeInterval(300)))
        #expect(nonces.accepts(nonce, tenant: tenant, now: Self.now.addingTimeInterval(599)))
        #expect(!nonces.accepts(nonce, tenant: tenant, now: Self.now.addingTimeInterval(600)))
        #expect(!nonces.accepts(nonce, tenant: TenantID(UUID()), now: Self.now))
        #expect(!DPoPNonces(masterKey: .generate()).accepts(nonce, tenant: tenant, now: Self.now))
        #expect(!nonces.accepts(nonce + "x", tenant: tenant, now: Self.now))
        // Another instance with the same master key accepts it: nonces need no shared state.
        #expect(DPoPNonces(masterKey: master, window: 300).accepts(nonce, tenant: tenant, now: Self.now))
    }
}
