import BatonCore
import BatonTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonServer

/// The requests most tests make on the way to what they test: log in, refresh, introspect, read a JWT.
enum Flows {
    static let demoLogin = #"{"client_id": "demo-app", "username": "demo", "password": "\#(TestApp.demoPassword)"}"#

    static func form(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
    }

    static func refresh(
        _ client: any TestClientProtocol,
        _ token: String,
        clientID: String = "demo-app",
        tenant: String = "demo"
    ) async throws -> TestResponse {
        try await client.send(
            .post,
            "/t/\(tenant)/oauth/token",
            json: form([("grant_type", "refresh_token"), ("client_id", clientID), ("refresh_token", token)]),
            contentType: "application/x-www-form-urlencoded"
        )
    }

    struct Login {
        let access: String
        let refresh: String
    }

    static func login(_ client: any TestClientProtocol) async throws -> Login {
        let response = try await client.send(.post, "/t/demo/login", json: demoLogin)
        return Login(access: try #require(response.json["access_token"] as? String), refresh: try #require(response.json["refresh_token"] as? String))
    }

    /// A confidential client for introspection; returns its HTTP Basic header.
    static func resourceServer(_ client: any TestClientProtocol) async throws -> String {
        let created = try await client.send(
            .post,
            "/admin/v1/tenants/demo/clients",
            key: TestApp.operatorKey,
            json: #"{"client_id": "resource-server", "name": "Resource server", "type": "confidential"}"#
        )
        let secret = try #require(created.json["client_secret"] as? String)
        return "Basic " + Data("resource-server:\(secret)".utf8).base64EncodedString()
    }

    static func introspect(_ client: any TestClientProtocol, _ token: String, basic: String) async throws -> TestResponse {
        try await client.send(
            .post,
            "/t/demo/oauth/introspect",
            json: "token=\(token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")",
            contentType: "application/x-www-form-urlencoded",
            headers: [.authorization: basic]
        )
    }

    static func header(of jwt: String) -> [String: Any]? { part(0, of: jwt) }

    /// The payload, unverified (the tests that need verification use the JWKS).
    static func claims(of jwt: String) -> [String: Any]? { part(1, of: jwt) }

    static func part(_ index: Int, of jwt: String) -> [String: Any]? {
        let parts = jwt.split(separator: ".")
        guard parts.count == 3, let data = Base64URL.decode(String(parts[index])) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }
}
