import BatonCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BatonHTTPTestSupport

@Suite("Users and clients: admin changes and their effect on sessions")
struct UserAndClientAdminTests {
    static func demoUserID(_ client: any TestClientProtocol) async throws -> String {
        let list = try await client.send(.get, "/admin/v1/tenants/demo/users", key: TestApp.operatorKey)
        return try #require((list.json["users"] as? [[String: Any]])?.first { $0["username"] as? String == "demo" }?["id"] as? String)
    }

    @Test("disabling a user, changing the password, or deleting the user ends every session", arguments: ["disable", "password", "delete"])
    func changesRevokeSessions(_ change: String) async throws {
        try await TestApp.run { client in
            let login = try await Flows.login(client)
            let userID = try await Self.demoUserID(client)
            let path = "/admin/v1/tenants/demo/users/\(userID)"
            switch change {
            case "disable": #expect(try await client.send(.patch, path, key: TestApp.operatorKey, json: #"{"disabled": true}"#).status == .ok)
            case "password":
                #expect(try await client.send(.patch, path, key: TestApp.operatorKey, json: #"{"password": "a-new-password"}"#).status == .ok)
            default: #expect(try await client.send(.delete, path, key: TestApp.operatorKey).status == .noContent)
            }
            #expect(try await Flows.refresh(client, login.refresh).errorCode == "invalid_grant")
            #expect(try await client.send(.get, "/t/demo/me", headers: [.authorization: "Bearer \(login.access)"]).status == .unauthorized)
            let again = try await client.send(.post, "/t/demo/login", json: Flows.demoLogin)
            #expect(again.errorCode == "invalid_grant")
        }
    }

    @Test("users: read, list with paging, unknown ids are 404, the password never appears")
    func users() async throws {
        try await TestApp.run { client in
            for name in ["u1", "u2", "u3"] {
                _ = try await client.send(
                    .post,
                    "/admin/v1/tenants/demo/users",
                    key: TestApp.operatorKey,
                    json: #"{"username": "\#(name)", "password": "password-\#(name)"}"#
                )
            }
            let duplicate = try await client.send(
                .post,
                "/admin/v1/tenants/demo/users",
                key: TestApp.operatorKey,
                json: #"{"username": "u1", "password": "password-x"}"#
            )
            #expect(duplicate.status == .conflict)
            let page = try await client.send(.get, "/admin/v1/tenants/demo/users?limit=2", key: TestApp.operatorKey)
            #expect((page.json["users"] as? [[String: Any]])?.count == 2)
            let after = try #require(page.json["next_after"] as? String)
            let rest = try await client.send(.get, "/admin/v1/tenants/demo/users?after=\(after)", key: TestApp.operatorKey)
            #expect((rest.json["users"] as? [[String: Any]])?.compactMap { $0["username"] as? String } == ["u2", "u3"])
            #expect(!String(buffer: rest.body).contains("password"))
            #expect(try await client.send(.get, "/admin/v1/tenants/demo/users/\(UUID())", key: TestApp.operatorKey).status == .notFound)
            #expect(try await client.send(.get, "/admin/v1/tenants/demo/users/nope", key: TestApp.operatorKey).status == .notFound)
        }
    }

    @Test("clients: list, change, rotate the secret (the old one stops working), delete (its sessions end)")
    func clients() async throws {
        try await TestApp.run { client in
            let created = try await client.send(
                .post,
                "/admin/v1/tenants/demo/clients",
                key: TestApp.operatorKey,
                json: #"{"client_id": "svc", "name": "Service", "type": "confidential", "grant_types": ["client_credentials"]}"#
            )
            let oldSecret = try #require(created.json["client_secret"] as? String)
            let list = try await client.send(.get, "/admin/v1/tenants/demo/clients", key: TestApp.operatorKey)
            #expect((list.json["clients"] as? [[String: Any]])?.compactMap { $0["client_id"] as? String } == ["demo-app", "svc"])
            #expect(!String(buffer: list.body).contains("client_secret"))

            let patched = try await client.send(
                .patch,
                "/admin/v1/tenants/demo/clients/svc",
                key: TestApp.operatorKey,
                json: #"{"scopes": ["read"], "name": "Svc"}"#
            )
            #expect(patched.json["scopes"] as? [String] == ["read"])
            let publicCC = try await client.send(
                .patch,
                "/admin/v1/tenants/demo/clients/demo-app",
                key: TestApp.operatorKey,
                json: #"{"grant_types": ["client_credentials"]}"#
            )
            #expect(publicCC.status == .badRequest)

            let rotated = try await client.send(.post, "/admin/v1/tenants/demo/clients/svc/secret", key: TestApp.operatorKey)
            #expect(rotated.headers[.cacheControl] == "no-store")
            let newSecret = try #require(rotated.json["client_secret"] as? String)
            let withOld = try await client.send(
                .post,
                "/t/demo/oauth/token",
                json: #"{"grant_type": "client_credentials", "client_id": "svc", "client_secret": "\#(oldSecret)"}"#
            )
            #expect(withOld.errorCode == "invalid_client")
            let withNew = try await client.send(
                .post,
                "/t/demo/oauth/token",
                json: #"{"grant_type": "client_credentials", "client_id": "svc", "client_secret": "\#(newSecret)"}"#
            )
            #expect(withNew.status == .ok)
            #expect(try await client.send(.post, "/admin/v1/tenants/demo/clients/demo-app/secret", key: TestApp.operatorKey).status == .badRequest)

            let login = try await Flows.login(client)
            #expect(try await client.send(.delete, "/admin/v1/tenants/demo/clients/demo-app", key: TestApp.operatorKey).status == .noContent)
            #expect(try await client.send(.get, "/t/demo/me", headers: [.authorization: "Bearer \(login.access)"]).status == .unauthorized)
            #expect(try await client.send(.get, "/admin/v1/tenants/demo/clients/demo-app", key: TestApp.operatorKey).status == .notFound)
        }
    }

    @Test("signup works only where the tenant allows it")
    func signup() async throws {
        try await TestApp.run { client in
            let closed = try await client.send(.post, "/t/demo/signup", json: #"{"username": "newbie", "password": "newbie-password"}"#)
            #expect(closed.status == .forbidden)
            _ = try await client.send(.patch, "/admin/v1/tenants/demo", key: TestApp.operatorKey, json: #"{"settings": {"allow_signup": true}}"#)
            let open = try await client.send(.post, "/t/demo/signup", json: #"{"username": "newbie", "password": "newbie-password"}"#)
            #expect(open.status == .created)
            #expect(open.json["username"] as? String == "newbie")
            let login = try await client.send(
                .post,
                "/t/demo/login",
                json: #"{"client_id": "demo-app", "username": "newbie", "password": "newbie-password"}"#
            )
            #expect(login.status == .ok)
            let short = try await client.send(.post, "/t/demo/signup", json: #"{"username": "x2", "password": "short"}"#)
            #expect(short.status == .badRequest)
        }
    }
}
