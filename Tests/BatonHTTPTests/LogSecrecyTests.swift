import BatonCore
import BatonTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Secrets never reach the logs")
struct LogSecrecyTests {
    @Test("admin keys, the master key and private key material appear in no log line of a whole admin lifecycle")
    func noSecretsLogged() async throws {
        let records = RecordingLogHandler.Records()
        let masterKey = MasterKey.generate()
        let issuedKey = try await TestApp.run(records: records, configuration: TestApp.configuration(masterKey: masterKey)) { client in
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
}
