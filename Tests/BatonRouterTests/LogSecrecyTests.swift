import BatonCore
import BatonTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import BatonHTTPTestSupport
@testable import BatonServer

@Suite("Secrets never reach the logs")
struct LogSecrecyTests {
    @Test(
        "admin keys, the master key and private key material appear in no log line of a whole admin lifecycle",
        arguments: LogFormat.allCases
    )
    func noSecretsLogged(format: LogFormat) async throws {
        let records = RecordingLogHandler.Records()
        let masterKey = MasterKey.generate()
        let configuration = TestApp.configuration(masterKey: masterKey)
        let issuedKey = try await TestApp.run(records: records, logFormat: format, configuration: configuration) { client in
            try await client.createTenant("secret-test", settings: #"{"signing_alg": "RS256"}"#)
            let issued = try await client.send(.post, "/admin/v1/tenants/secret-test/admin-keys", key: TestApp.operatorKey)
            let tenantKey = try #require(issued.json["admin_key"] as? String)
            _ = try await client.send(.get, "/admin/v1/tenants/secret-test/keys", key: tenantKey)
            _ = try await client.send(.get, "/admin/v1/tenants/demo", key: tenantKey)
            _ = try await client.send(.get, "/admin/v1/tenants", key: "wrong-\(TestApp.operatorKey)")
            _ = try await client.send(.patch, "/admin/v1/tenants/secret-test", key: TestApp.operatorKey, json: #"{"display_name": "x"}"#)
            _ = try await client.send(.get, "/t/secret-test/.well-known/jwks.json")
            _ = try await client.send(.delete, "/admin/v1/tenants/secret-test", key: TestApp.operatorKey)
            return tenantKey
        }
        let lines = records.all
        #expect(lines.count > 5, "the lifecycle should have logged something")
        #expect(lines.contains { $0.contains("tenant created") })
        let secrets = [TestApp.operatorKey, issuedKey, masterKey.base64, String(issuedKey.suffix(20)), String(TestApp.operatorKey.suffix(16))]
        for line in lines {
            for secret in secrets {
                #expect(!line.contains(secret), "a log line holds a secret: \(line.prefix(120))")
            }
            #expect(!line.lowercased().contains("authorization: bearer"))
        }
    }

    @Test(
        "no password, refresh token, access token or client secret appears in any log line of the token lifecycle",
        arguments: LogFormat.allCases
    )
    func tokenLifecycle(format: LogFormat) async throws {
        let records = RecordingLogHandler.Records()
        let secrets = try await TestApp.run(records: records, logFormat: format) { client in
            let created = try await client.send(
                .post,
                "/admin/v1/tenants/demo/clients",
                key: TestApp.operatorKey,
                json: #"{"client_id": "introspector", "name": "RS", "type": "confidential"}"#
            )
            let clientSecret = try #require(created.json["client_secret"] as? String)
            let login = try await client.send(.post, "/t/demo/login", json: Flows.demoLogin)
            let r0 = try #require(login.json["refresh_token"] as? String)
            let a0 = try #require(login.json["access_token"] as? String)
            _ = try await client.send(
                .post,
                "/t/demo/login",
                json: #"{"client_id": "demo-app", "username": "demo", "password": "wrong-secret-pass"}"#
            )
            let second = try await Flows.refresh(client, r0)
            let r1 = try #require(second.json["refresh_token"] as? String)
            _ = try await Flows.refresh(client, r1)
            _ = try await Flows.refresh(client, r0)  // reuse
            let basic = "Basic " + Data("introspector:\(clientSecret)".utf8).base64EncodedString()
            _ = try await client.send(
                .post,
                "/t/demo/oauth/introspect",
                json: "token=\(a0)",
                contentType: "application/x-www-form-urlencoded",
                headers: [.authorization: basic]
            )
            _ = try await client.send(
                .post,
                "/t/demo/oauth/revoke",
                json: "token=\(r1)&client_id=demo-app",
                contentType: "application/x-www-form-urlencoded"
            )
            _ = try await client.send(.get, "/t/demo/me", headers: [.authorization: "Bearer \(a0)"])
            return [
                TestApp.demoPassword, "wrong-secret-pass", r0, r1, a0, clientSecret, String(r0.suffix(43)),
                String(a0.split(separator: ".").last ?? ""),
            ]
        }
        let lines = records.all
        #expect(lines.contains { $0.contains("refresh_token.reuse_detected") })
        #expect(lines.contains { $0.contains("login failed") })
        for line in lines {
            for secret in secrets where !secret.isEmpty {
                #expect(!line.contains(secret), "a log line holds a secret: \(line.prefix(120))")
            }
        }
    }
}
