import BatonCore
import BatonHTTP
import BatonPasswords
import BatonTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import BatonServer

/// Builds the real application (same wiring as `serve`) for tests, and small helpers to call it.
enum TestApp {
    static let operatorKey = "test-operator-key-0123456789abcdef"
    static let publicURL = "https://auth.example.test"

    static func configuration(storage: BatonConfiguration.Storage = .memory, masterKey: MasterKey = .generate()) -> BatonConfiguration {
        var configuration = BatonConfiguration(
            storage: storage,
            masterKey: masterKey,
            masterKeyIsEphemeral: true,
            adminKey: operatorKey,
            publicURL: publicURL,
            host: "127.0.0.1",
            port: 0,
            logLevel: .trace,
            migrateOnStart: true,
            demoPassword: demoPassword
        )
        // The probe's timeout is real time: on a loaded machine a healthy test database can miss 2 s, and every
        // request would then fail fast. The probe's own tests run it on a test clock (DatabaseOutageTests).
        configuration.databaseProbeTimeout = 60_000
        // Likewise the operation deadline: under a CPU hog, dozens of apps setting up at once on the shared database
        // made a tenant's creation wait past 10 s for one of its app's two connections. The deadline's own tests
        // set theirs (SlowDatabaseTests, DatabaseCrashTests, DatabaseDeadlineTests).
        configuration.databaseOperationTimeout = 60_000
        return configuration
    }

    static let demoPassword = "demo-password-for-tests"

    /// The services of a memory-mode app, for tests that build a router by hand.
    static func services(isReady: Bool) async throws -> BatonServices<MemoryStore> {
        let configuration = configuration()
        let hasher = Argon2PasswordHasher()
        return BatonApplication.makeServices(
            store: MemoryStore(),
            sealer: SecretSealer(current: configuration.masterKey),
            hasher: hasher,
            dummyHash: try await hasher.hash("dummy-password"),
            configuration: configuration,
            logger: Logger(label: "test"),
            clock: SystemClock()
        ) { isReady }
    }

    /// Runs `body` against a memory-mode app (with the `demo` tenant) through Hummingbird's router test client.
    /// With a `logFormat`, `records` gets each line as `serve` writes it in that format.
    static func run<Value: Sendable>(
        records: RecordingLogHandler.Records = .init(),
        logFormat: LogFormat? = nil,
        configuration: BatonConfiguration = configuration(),
        clock: any BatonClock = SystemClock(),
        monotonicClock: AnyClock = .continuous,
        _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let app = try await BatonApplication.build(
            configuration: configuration,
            logger: logFormat.map { BatonLogging.logger(level: .trace, format: $0, write: records.append) } ?? RecordingLogHandler.logger(records),
            clock: clock,
            monotonicClock: monotonicClock
        )
        return try await app.test(.router, body)
    }
}

extension TestClientProtocol {
    /// Sends a request with optional admin key and JSON body; `contentType` nil sends none.
    func send(
        _ method: HTTPRequest.Method,
        _ uri: String,
        key: String? = nil,
        json: String? = nil,
        contentType: String? = "application/json",
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil, let contentType { headers[.contentType] = contentType }
        return try await executeRequest(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Creates a tenant with the operator key and returns its id.
    @discardableResult
    func createTenant(_ id: String = "t-\(UUID().uuidString.prefix(8).lowercased())", settings: String = "{}") async throws -> String {
        let response = try await send(.post, "/admin/v1/tenants", key: TestApp.operatorKey, json: #"{"id": "\#(id)", "settings": \#(settings)}"#)
        #expect(response.status == .created, "creating \(id): \(String(buffer: response.body))")
        return id
    }

    /// Creates, in `tenant`, a public client `app` (with `clientMembers`, more JSON members of its body, if any) and
    /// a user `ada` who logs in to it with `loginAsAda`.
    func createAppAndAda(in tenant: String, clientMembers: String = "") async throws {
        let client = try await send(
            .post,
            "/admin/v1/tenants/\(tenant)/clients",
            key: TestApp.operatorKey,
            json: #"{"client_id": "app", "name": "App", "type": "public"\#(clientMembers.isEmpty ? "" : ", " + clientMembers)}"#
        )
        #expect(client.status == .created, "\(String(buffer: client.body))")
        let user = try await send(
            .post,
            "/admin/v1/tenants/\(tenant)/users",
            key: TestApp.operatorKey,
            json: #"{"username": "ada", "password": "ada-password"}"#
        )
        #expect(user.status == .created, "\(String(buffer: user.body))")
    }

    /// `ada`'s login to `app` of `tenant` (see `createAppAndAda`).
    func loginAsAda(in tenant: String) async throws -> TestResponse {
        try await send(.post, "/t/\(tenant)/login", json: #"{"client_id": "app", "username": "ada", "password": "ada-password"}"#)
    }
}

extension TestResponse {
    /// The body as a JSON object (empty if it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    var errorCode: String? { json["error"] as? String }
}
