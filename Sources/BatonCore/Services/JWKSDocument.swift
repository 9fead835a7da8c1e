import Crypto
import Foundation

/// A tenant's JWK Set, encoded once: the bytes served, and their strong ETag.
public struct JWKSDocument: Sendable, Equatable {
    public let body: Data
    public let etag: String
    public let keyIDs: [String]
    /// The distinct algorithms of the published keys, sorted.
    public let algorithms: [String]

    public init(publishing keys: [SigningKey]) throws(BatonError) {
        let published = keys.filter { $0.state.isPublished }.map(\.publicJWK)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            self.body = try encoder.encode(JWKSet(keys: published))
        } catch {
            throw .unavailable("JWKS encoding failed")
        }
        self.etag = "\"" + Base64URL.encode(SHA256.hash(data: body).prefix(16)) + "\""
        self.keyIDs = published.map(\.kid)
        self.algorithms = Set(published.map(\.alg)).sorted()
    }

    private struct JWKSet: Encodable {
        let keys: [PublicJWK]
    }
}
