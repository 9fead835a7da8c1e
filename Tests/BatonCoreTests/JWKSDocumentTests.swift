import BatonCore
import Foundation
import Testing

@Suite("JWKS document")
struct JWKSDocumentTests {
    func key(_ state: SigningKeyState, _ algorithm: SigningAlgorithm = .es256) throws -> SigningKey {
        let material = try SigningKeyMaterial.generate(algorithm)
        return SigningKey(
            tenantID: TenantID(),
            kid: material.publicJWK.kid,
            algorithm: algorithm,
            state: state,
            publicJWK: material.publicJWK,
            sealedPrivateKey: nil,
            createdAt: Date()
        )
    }

    @Test("only pending, active and retiring keys are published")
    func published() throws {
        let keys = try SigningKeyState.allCases.map { try key($0) }
        let document = try JWKSDocument(publishing: keys)
        let expected = keys.filter { [.pending, .active, .retiring].contains($0.state) }.map(\.kid)
        #expect(document.keyIDs == expected)
        let json = try #require(try JSONSerialization.jsonObject(with: document.body) as? [String: [[String: String]]])
        #expect(json["keys"]?.compactMap { $0["kid"] } == expected)
    }

    @Test("the ETag changes when the published set changes, and only then")
    func etag() throws {
        let active = try key(.active)
        let pending = try key(.pending)
        let a = try JWKSDocument(publishing: [active, pending])
        #expect(try JWKSDocument(publishing: [active, pending]).etag == a.etag)
        #expect(try JWKSDocument(publishing: [active, pending, key(.retired)]).etag == a.etag)
        #expect(try JWKSDocument(publishing: [active]).etag != a.etag)
        #expect(a.etag.hasPrefix("\"") && a.etag.hasSuffix("\""))
    }

    @Test("algorithms lists each published algorithm once")
    func algorithms() throws {
        let document = try JWKSDocument(publishing: [key(.active, .edDSA), key(.pending, .rs256), key(.retiring, .edDSA), key(.revoked, .es256)])
        #expect(document.algorithms == ["EdDSA", "RS256"])
    }
}
