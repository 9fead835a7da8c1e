import BatonCore
import Crypto
import CryptoExtras
import Foundation
import Testing

@Suite("Signing key generation and public JWKs")
struct SigningKeyMaterialTests {
    @Test("RFC 7638 §3.1 example thumbprint")
    func rfc7638Vector() {
        let n =
            "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
        #expect(JWKThumbprint.compute(kty: "RSA", n: n, e: "AQAB") == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }

    @Test("ES256 keys: P-256 public members, kid is the thumbprint, private key matches")
    func es256() throws {
        let material = try SigningKeyMaterial.generate(.es256)
        let jwk = material.publicJWK
        #expect(jwk.kty == "EC" && jwk.crv == "P-256" && jwk.alg == "ES256" && jwk.use == "sig")
        #expect(jwk.n == nil && jwk.e == nil)
        #expect(jwk.kid == JWKThumbprint.compute(kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y))
        let privateKey = try P256.Signing.PrivateKey(rawRepresentation: material.privateKey)
        let x = try #require(jwk.x.flatMap(Base64URL.decode))
        let y = try #require(jwk.y.flatMap(Base64URL.decode))
        #expect(privateKey.publicKey.x963Representation == Data([0x04]) + x + y)
    }

    @Test("EdDSA keys: Ed25519 public member, private key matches")
    func edDSA() throws {
        let material = try SigningKeyMaterial.generate(.edDSA)
        let jwk = material.publicJWK
        #expect(jwk.kty == "OKP" && jwk.crv == "Ed25519" && jwk.alg == "EdDSA" && jwk.y == nil)
        let privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: material.privateKey)
        #expect(jwk.x == Base64URL.encode(privateKey.publicKey.rawRepresentation))
        #expect(jwk.kid == JWKThumbprint.compute(kty: "OKP", crv: "Ed25519", x: jwk.x))
    }

    @Test("RS256 keys: 2048-bit modulus, e = AQAB, private key matches")
    func rs256() throws {
        let material = try SigningKeyMaterial.generate(.rs256)
        let jwk = material.publicJWK
        #expect(jwk.kty == "RSA" && jwk.alg == "RS256" && jwk.e == "AQAB" && jwk.crv == nil && jwk.x == nil)
        let modulus = try #require(jwk.n.flatMap(Base64URL.decode))
        #expect(modulus.count == 256)
        let privateKey = try _RSA.Signing.PrivateKey(derRepresentation: material.privateKey)
        #expect(try privateKey.publicKey.getKeyPrimitives().modulus == modulus)
    }

    @Test("every key is fresh: two generations never share a kid", arguments: SigningAlgorithm.allCases)
    func unique(_ algorithm: SigningAlgorithm) throws {
        #expect(try SigningKeyMaterial.generate(algorithm).publicJWK.kid != SigningKeyMaterial.generate(algorithm).publicJWK.kid)
    }

    @Test("the public JWK encodes no private member")
    func noPrivateMembers() throws {
        for algorithm in SigningAlgorithm.allCases {
            let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(try SigningKeyMaterial.generate(algorithm).publicJWK))
            let members = Set((json as? [String: Any] ?? [:]).keys)
            #expect(members.isDisjoint(with: ["d", "p", "q", "dp", "dq", "qi", "k", "oth"]))
            #expect(members.isSuperset(of: ["kty", "kid", "use", "alg"]))
        }
    }

    @Test("base64url decoding is strict", arguments: ["a=", "a b", "a+b", "a/b", "a", "abcde"])
    func strictBase64URL(_ input: String) {
        #expect(Base64URL.decode(input) == nil)
    }
}
