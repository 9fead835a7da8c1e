import BatonCore
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonHTTPTestSupport

@Suite("JWKS and metadata")
struct DiscoveryTests {
    @Test("JWKS holds the pending and active public keys with kid, use, alg; cacheable; ETag honoured", arguments: ["ES256", "EdDSA", "RS256"])
    func jwks(_ alg: String) async throws {
        try await TestApp.run { client in
            try await client.createTenant("keys", settings: #"{"signing_alg": "\#(alg)", "jwks_max_age": 321}"#)
            let response = try await client.send(.get, "/t/keys/.well-known/jwks.json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/jwk-set+json")
            #expect(response.headers[.cacheControl] == "public, max-age=321")
            let etag = try #require(response.headers[.eTag])
            let keys = try #require(response.json["keys"] as? [[String: String]])
            #expect(keys.count == 2)
            let listed = try await client.send(.get, "/admin/v1/tenants/keys/keys", key: TestApp.operatorKey)
            let kids = (listed.json["keys"] as? [[String: Any]] ?? []).compactMap { $0["kid"] as? String }
            #expect(Set(keys.compactMap { $0["kid"] }) == Set(kids))
            for key in keys {
                #expect(key["use"] == "sig")
                #expect(key["alg"] == alg)
                #expect(Set(key.keys).isDisjoint(with: ["d", "p", "q", "dp", "dq", "qi", "k"]))
            }

            let cached = try await client.send(.get, "/t/keys/.well-known/jwks.json", headers: [.ifNoneMatch: etag])
            #expect(cached.status == .notModified)
            #expect(cached.body.readableBytes == 0)
            #expect(cached.headers[.eTag] == etag)
            let stale = try await client.send(.get, "/t/keys/.well-known/jwks.json", headers: [.ifNoneMatch: "\"other\""])
            #expect(stale.status == .ok)
        }
    }

    @Test("an ES256 JWKS key is a usable P-256 public key")
    func usableKey() async throws {
        try await TestApp.run { client in
            let response = try await client.send(.get, "/t/demo/.well-known/jwks.json")
            let key = try #require((response.json["keys"] as? [[String: String]])?.first)
            let x = try #require(key["x"].flatMap(Base64URL.decode))
            let y = try #require(key["y"].flatMap(Base64URL.decode))
            _ = try P256.Signing.PublicKey(x963Representation: Data([0x04]) + x + y)
        }
    }

    @Test("jwks_max_age changes reach Cache-Control at once")
    func maxAgeFollowsSettings() async throws {
        try await TestApp.run { client in
            _ = try await client.send(.get, "/t/demo/.well-known/jwks.json")
            _ = try await client.send(.patch, "/admin/v1/tenants/demo", key: TestApp.operatorKey, json: #"{"settings": {"jwks_max_age": 42}}"#)
            let response = try await client.send(.get, "/t/demo/.well-known/jwks.json")
            #expect(response.headers[.cacheControl] == "public, max-age=42")
        }
    }

    @Test("unknown tenants get one and the same 404 whatever the slug")
    func unknownTenant() async throws {
        try await TestApp.run { client in
            let a = try await client.send(.get, "/t/nope/.well-known/jwks.json")
            let b = try await client.send(.get, "/t/NOPE!/.well-known/jwks.json")
            #expect(a.status == .notFound && b.status == .notFound)
            #expect(a.body == b.body)
            #expect(a.errorCode == "not_found")
        }
    }

    @Test(
        "metadata at all three paths: issuer exactly {public_url}/t/{tenant}, endpoints under it",
        arguments: [
            "/t/demo/.well-known/oauth-authorization-server", "/.well-known/oauth-authorization-server/t/demo",
            "/t/demo/.well-known/openid-configuration",
        ]
    )
    func metadata(_ path: String) async throws {
        try await TestApp.run { client in
            let response = try await client.send(.get, path)
            #expect(response.status == .ok)
            let issuer = "\(TestApp.publicURL)/t/demo"
            #expect(response.json["issuer"] as? String == issuer)
            #expect(response.json["jwks_uri"] as? String == "\(issuer)/.well-known/jwks.json")
            #expect(response.json["token_endpoint"] as? String == "\(issuer)/oauth/token")
            #expect(response.json["revocation_endpoint"] as? String == "\(issuer)/oauth/revoke")
            #expect(response.json["introspection_endpoint"] as? String == "\(issuer)/oauth/introspect")
            #expect(response.json["grant_types_supported"] as? [String] == ["refresh_token", "client_credentials"])
            #expect((response.json["token_endpoint_auth_methods_supported"] as? [String])?.contains("client_secret_basic") == true)
            #expect(response.json["access_token_signing_alg_values_supported"] as? [String] == ["ES256"])
            #expect(!String(buffer: response.body).contains(#"\/"#))
        }
    }
}
