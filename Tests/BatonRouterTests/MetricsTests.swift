import BatonTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonHTTPTestSupport

@Suite("Prometheus metrics")
struct MetricsTests {
    @Test("logins, refreshes by result and per-route latency appear at /metrics")
    func counters() async throws {
        try await TestApp.run { client in
            let login = try await Flows.login(client)
            _ = try await client.send(.post, "/t/demo/login", json: #"{"client_id": "demo-app", "username": "demo", "password": "wrong-password"}"#)
            let r1 = try #require(try await Flows.refresh(client, login.refresh).json["refresh_token"] as? String)
            _ = try await Flows.refresh(client, login.refresh)  // grace retry
            _ = try await Flows.refresh(client, r1)
            _ = try await Flows.refresh(client, login.refresh)  // reuse
            _ = try await Flows.refresh(client, "garbage")
            let response = try await client.send(.get, "/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = String(buffer: response.body)
            for line in [
                #"baton_logins_total{result="ok"} 1"#, #"baton_logins_total{result="failed"} 1"#, #"baton_refreshes_total{result="rotated"} 2"#,
                #"baton_refreshes_total{result="retried"} 1"#, #"baton_refreshes_total{result="reuse"} 1"#,
                #"baton_refreshes_total{result="invalid"} 1"#,
            ] {
                #expect(text.contains(line), "missing \(line)")
            }
            // Per route, method and status class: the refreshes above answered 200 three times and 400 twice.
            #expect(
                text.contains(#"baton_http_request_duration_seconds_count{route="/t/{tenant}/oauth/token",method="POST",status="2xx"} 3"#),
                "\(text)"
            )
            #expect(text.contains(#"baton_http_request_duration_seconds_count{route="/t/{tenant}/oauth/token",method="POST",status="4xx"} 2"#))
            #expect(!text.contains(login.refresh))
        }
    }

    @Test("key rotations and revocations are counted per tenant; the scheduler publishes key states and the active key's age")
    func keyMetrics() async throws {
        try await TestApp.run { client in
            let rotated = try await client.send(.post, "/admin/v1/tenants/demo/keys/rotate", key: TestApp.operatorKey, json: #"{"force": true}"#)
            let retiring = try #require((rotated.json["keys"] as? [[String: Any]])?.first { $0["state"] as? String == "retiring" }?["kid"] as? String)
            _ = try await client.send(.post, "/admin/v1/tenants/demo/keys/\(retiring)/revoke", key: TestApp.operatorKey)
            var text = ""
            try await waitUntil("the scheduler publishes the key metrics", every: .milliseconds(50)) {
                text = String(buffer: try await client.send(.get, "/metrics").body)
                return text.contains("baton_active_signing_key_age_seconds")
            }
            #expect(text.contains("baton_signing_key_rotations_total"))
            #expect(text.contains("baton_signing_key_revocations_total"))
            #expect(text.contains(#"tenant="demo""#))
            #expect(text.contains("baton_signing_keys"))
            #expect(text.contains("baton_active_signing_key_age_seconds"))
        }
    }
}
