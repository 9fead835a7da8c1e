import BatonCore
import BatonHTTP
import BatonPasswords
import BatonTestSupport
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import BatonHTTPTestSupport
@testable import BatonServer

/// Random and extreme input, from a fixed seed, against the token, login, introspection and revocation endpoints,
/// and access tokens signed with the tenant's real key whose claims are random JSON: no answer is a 5xx, the
/// process never traps, an access token with time claims out of range is never active, and no refused request
/// changes a session (the live sessions' rows are compared before and after, and no session is added).
@Suite("Endpoint fuzzing")
struct EndpointFuzzTests {
    /// SplitMix64: a small generator whose sequence a seed fixes, so a failure can be replayed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seed = UInt64(ProcessInfo.processInfo.environment["BATON_FUZZ_SEED"] ?? "") ?? 20_261_201

    /// JSON numbers at and past every edge a claim or a conversion has.
    static let numbers = [
        "0", "-0", "1", "-1", "0.5", "-0.5", "1e300", "-1e300", "1e31", "9.3e18", "-9.3e18", "4e18", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "18446744073709551616", "2147483648", "-2147483649", "253402300799", "253402300800",
        "1e400", "-1e400", "123456789012345678901234567890", "1799999000", "1800000000", "1800003600", "1.7976931348623157e308", "5e-324",
    ]
    /// JSON strings (as JSON text): empty, long, escapes PostgreSQL or parsers dislike, look-alikes of real values.
    static let strings = [
        #""""#, #""a""#, "\"\(String(repeating: "x", count: 5_000))\"", #""\u0000""#, #""a\u0000b""#, #""\ud800""#, #""\ud83d\ude00""#,
        #""\u202e""#, #""'; DROP TABLE sessions; --""#, #""brt_""#, #""null""#, #""1800000000""#, #""ES256""#, #""at+jwt""#, #""HS256""#,
        #""none""#, #""app""#, #""refresh_token""#, #""profile""#, #""https://auth.example.test/t/fuzz""#,
    ]

    struct Input {
        var generator: SeededGenerator

        mutating func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &generator)] }
        mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &generator) < percent }
        mutating func count(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }

        /// A random JSON value, nested at most `depth` more levels.
        mutating func jsonValue(depth: Int = 3) -> String {
            switch Int.random(in: 0..<(depth > 0 ? 8 : 5), using: &generator) {
            case 0, 1: return pick(EndpointFuzzTests.numbers)
            case 2, 3: return pick(EndpointFuzzTests.strings)
            case 4: return pick(["true", "false", "null"])
            case 5: return "[" + (0..<Int.random(in: 0..<4, using: &generator)).map { _ in jsonValue(depth: depth - 1) }.joined(separator: ",") + "]"
            case 6: return "[" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "]"
            default:
                return "{"
                    + (0..<Int.random(in: 0..<4, using: &generator)).map { _ in "\(pick(EndpointFuzzTests.strings)):\(jsonValue(depth: depth - 1))" }
                    .joined(separator: ",") + "}"
            }
        }

        /// An object text with these members, some values swapped for random JSON, some members repeated.
        mutating func jsonObject(_ members: [(String, String)], mutations: Int) -> String {
            var members = members
            for _ in 0..<mutations where !members.isEmpty {
                let index = Int.random(in: 0..<members.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: members.remove(at: index)
                case 1: members.append(members[index])
                default: members[index].1 = jsonValue()
                }
            }
            return "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        }

        /// A form body of these pairs, values percent-encoded, sometimes with raw junk.
        mutating func form(_ pairs: [(String, String)]) -> String {
            var parts = pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            if chance(20) {
                parts.append(
                    pick(["%", "%zz", "a=%FF", "=x", "&&", "a=%00", "grant_type=refresh_token", "x=\(String(repeating: "y", count: 3_000))"])
                )
            }
            if chance(15), let first = parts.first { parts.append(first) }
            return parts.joined(separator: "&")
        }

        /// A token-like text: one of `real` changed (never one of them unchanged: those could legitimately rotate
        /// or revoke), or garbage.
        mutating func token(mutating real: [String]) -> String {
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: return pick(["", "brt", "brt___", "brt_x_0_y", "a.b.c", "..", String(repeating: "brt_", count: 60), "Bearer x"])
            case 1:
                // Another generation: huge, negative, padded, or one off.
                var parts = pick(real).split(separator: "_", maxSplits: 3).map(String.init)
                parts[2] = pick(["99999999999", "-1", "00", "1e3", "4294967297", "100000001", String((Int(parts[2]) ?? 0) + 1)])
                return parts.joined(separator: "_")
            case 2:
                // A character of the secret replaced (not the last, whose low bits carry no data).
                var characters = Array(pick(real))
                let index = characters.count - 43 + Int.random(in: 0..<40, using: &generator)
                characters[index] = characters[index] == "A" ? "B" : "A"
                return String(characters)
            case 3: return pick(real) + pick(["x", "_", " ", "\u{0}", "=="])
            case 4:
                var parts = pick(real).split(separator: "_", maxSplits: 3).map(String.init)
                parts[1] = pick([UUID().uuidString.lowercased(), UUID().uuidString, "00000000-0000-0000-0000-000000000000", "x"])
                return parts.joined(separator: "_")
            default: return String(pick(real).prefix(Int.random(in: 0..<60, using: &generator)))
            }
        }
    }

    /// The tenant's active key, to sign tokens whose claims are random.
    struct Signer {
        let key: P256.Signing.PrivateKey
        let kid: String

        func sign(header: String, payload: String) throws -> String {
            let input = Base64URL.encode(Data(header.utf8)) + "." + Base64URL.encode(Data(payload.utf8))
            return input + "." + Base64URL.encode(try key.signature(for: Data(input.utf8)).rawRepresentation)
        }
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("random and extreme input: no 5xx, no trap, out-of-range times inactive, no session changed by a refused request")
    func fuzz() async throws {
        let store = MemoryStore()
        let clock = ManualClock(Self.now)
        let configuration = TestApp.configuration()
        let sealer = SecretSealer(current: configuration.masterKey)
        let hasher = Argon2PasswordHasher()
        let services = BatonApplication.makeServices(
            store: store,
            sealer: sealer,
            hasher: hasher,
            dummyHash: try await hasher.hash("dummy-password"),
            configuration: configuration,
            logger: Logger(label: "fuzz"),
            clock: clock
        ) { true }
        let tenant = try await services.tenants.create(slug: "fuzz", displayName: nil, settings: .init(reuseGrace: 0))
        _ = try await services.clients.create(
            tenant: tenant,
            clientID: "app",
            name: "App",
            kind: .public,
            grantTypes: ["refresh_token"],
            scopes: ["profile"],
            audiences: [],
            actor: "t"
        )
        let rs = try await services.clients.create(
            tenant: tenant,
            clientID: "rs1",
            name: "RS",
            kind: .confidential,
            grantTypes: ["client_credentials"],
            scopes: [],
            audiences: [],
            actor: "t"
        )
        let rsBasic = "Basic " + Data("rs1:\(try #require(rs.secret))".utf8).base64EncodedString()
        let alice = try await services.users.create(tenant: tenant, username: "alice", password: "correct horse battery staple", actor: "t")
        let active = try #require(await store.signingKeys(tenantID: tenant.id).first { $0.state == .active })
        let raw = try sealer.open(
            try #require(active.sealedPrivateKey),
            context: SecretSealer.signingKeyContext(tenantID: tenant.id, kid: active.kid)
        )
        let signer = Signer(key: try P256.Signing.PrivateKey(rawRepresentation: raw), kid: active.kid)

        let router = BatonRouter.build(services: services, openAPIDocument: try OpenAPIDocument.bundled())
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let seed = Self.seed
        try await application.test(.router) { client in
            var input = Input(generator: SeededGenerator(state: seed))
            // Three live sessions whose tokens the fuzz only ever presents changed.
            var refreshTokens: [String] = []
            for _ in 0..<3 {
                let login = try await client.send(
                    .post,
                    "/t/fuzz/login",
                    json: #"{"client_id": "app", "username": "alice", "password": "correct horse battery staple"}"#
                )
                refreshTokens.append(try #require(login.json["refresh_token"] as? String))
            }
            let sessionsBefore = await store.sessions(tenantID: tenant.id, userID: alice.id, now: Self.now)
            #expect(sessionsBefore.count == 3)
            // Crafted access tokens name a live session, or none (as client_credentials tokens do), so that the
            // rest of their claims decide: a token of an unknown session is inactive before any claim is looked at.
            let liveSessionIDs = sessionsBefore.map { "\"\($0.id.uuidString.lowercased())\"" }
            var statuses: [Int: Int] = [:]
            var active = 0
            func record(_ response: TestResponse, _ what: @autoclosure () -> String) {
                statuses[Int(response.status.code), default: 0] += 1
                #expect(response.status.code < 500, "seed \(seed): \(what()) → \(response.status) \(String(buffer: response.body).prefix(300))")
            }

            // Access tokens with the tenant's real signature and random claims.
            let issuer = "\(TestApp.publicURL)/t/fuzz"
            let validHeader = #"{"alg":"ES256","typ":"at+jwt","kid":"\#(signer.kid)"}"#
            for _ in 0..<1_500 {
                let claims: [(String, String)] =
                    [
                        ("iss", "\"\(issuer)\""), ("sub", "\"\(alice.id.uuidString.lowercased())\""), ("aud", "\"\(issuer)\""),
                        ("exp", "1800000900"), ("iat", "1800000000"), ("nbf", "1800000000"), ("jti", "\"j\""), ("client_id", "\"app\""),
                        ("scope", "\"profile\""),
                    ] + (input.chance(70) ? [("sid", input.pick(liveSessionIDs))] : [])
                let n = input.count(1...3)
                let payload = input.jsonObject(claims, mutations: n)
                let header =
                    input.chance(85)
                    ? validHeader : input.jsonObject([("alg", "\"ES256\""), ("typ", "\"at+jwt\""), ("kid", "\"\(signer.kid)\"")], mutations: 1)
                let token = try signer.sign(header: header, payload: payload)
                let introspection = try await client.send(
                    .post,
                    "/t/fuzz/oauth/introspect",
                    json: "token=\(token.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                    contentType: "application/x-www-form-urlencoded",
                    headers: [.authorization: rsBasic]
                )
                record(introspection, "introspection of \(payload)")
                #expect(introspection.status == .ok)
                if introspection.json["active"] as? Bool == true {
                    active += 1
                    // Active only with every time claim a sane number: one that is not must never get this far.
                    for name in ["exp", "iat"] {
                        let value = try #require(introspection.json[name] as? Int, "seed \(seed): \(payload)")
                        #expect(NumericDate.range.contains(TimeInterval(value)), "seed \(seed): \(payload)")
                    }
                }
                record(try await client.send(.get, "/t/fuzz/me", headers: [.authorization: "Bearer \(token)"]), "/me with \(payload)")
            }

            // The token endpoint, with forms and JSON bodies of random shape.
            for _ in 0..<2_000 {
                let pairs: [(String, String)] = [
                    ("grant_type", input.pick(["refresh_token", "refresh_token", "client_credentials", "password", "", "REFRESH_TOKEN"])),
                    ("client_id", input.pick(["app", "app", "rs1", "nobody", "", "app\u{0}", String(repeating: "a", count: 300)])),
                    ("refresh_token", input.token(mutating: refreshTokens)),
                    ("scope", input.pick(["profile", "profile admin", "", " ", "pro\"file", "\u{0}", String(repeating: "s ", count: 200)])),
                ].filter { _ in input.chance(85) }
                let json = input.chance(40)
                let n = input.count(0...2)
                let body =
                    json
                    ? input.jsonObject(pairs.map { ($0.0, "\"\($0.1.replacingOccurrences(of: "\u{0}", with: "\\u0000"))\"") }, mutations: n)
                    : input.form(pairs)
                let headers: HTTPFields =
                    input.chance(15)
                    ? [.authorization: input.pick([rsBasic, "Basic !!!", "Basic " + Data("app:".utf8).base64EncodedString(), "Bearer x", "Basic"])]
                    : [:]
                let response = try await client.send(
                    .post,
                    "/t/fuzz/oauth/token",
                    json: body,
                    contentType: json ? "application/json" : "application/x-www-form-urlencoded",
                    headers: headers
                )
                record(response, "token endpoint with \(body.prefix(300))")
            }

            // Revocation and introspection of changed tokens, with and without valid client credentials.
            for _ in 0..<800 {
                let path = input.pick(["/t/fuzz/oauth/revoke", "/t/fuzz/oauth/introspect"])
                let token = input.chance(20) ? input.jsonValue() : input.token(mutating: refreshTokens)
                let pairs = [
                    ("token", token), ("client_id", input.pick(["app", "rs1", "nobody"])),
                    ("token_type_hint", input.pick(["refresh_token", "access_token", "x"])),
                ]
                .filter { _ in input.chance(80) }
                let headers: HTTPFields = input.chance(50) ? [.authorization: rsBasic] : [:]
                let json = input.chance(30)
                let body =
                    json
                    ? input.jsonObject(pairs.map { ($0.0, "\"\($0.1.replacingOccurrences(of: "\"", with: ""))\"") }, mutations: 1) : input.form(pairs)
                let response = try await client.send(
                    .post,
                    path,
                    json: body,
                    contentType: json ? "application/json" : "application/x-www-form-urlencoded",
                    headers: headers
                )
                record(response, "\(path) with \(body.prefix(300))")
            }

            // Logins: each that reaches the password check costs a hash, so fewer of them.
            for _ in 0..<60 {
                let members: [(String, String)] = [
                    ("client_id", input.pick([#""app""#, #""rs1""#, #""nobody""#])),
                    ("username", input.pick([#""alice""#, #""bob""#] + Self.strings)),
                    ("password", input.pick([#""wrong password""#, #""""#, "\"\(String(repeating: "p", count: 2_000))\""] + Self.strings)),
                    ("scope", input.pick([#""profile""#, #""admin""#])),
                ]
                let n = input.count(0...2)
                let body = input.jsonObject(members, mutations: n)
                record(try await client.send(.post, "/t/fuzz/login", json: body), "login with \(body.prefix(300))")
            }

            let sessionsAfter = await store.sessions(tenantID: tenant.id, userID: alice.id, now: Self.now)
            #expect(sessionsAfter == sessionsBefore, "seed \(seed): a refused request changed a session or made one")
            #expect(statuses.keys.contains(200) && statuses.keys.contains(400), "the fuzz reached both outcomes: \(statuses)")
            // Some crafted tokens must be active, or the conversions of an active answer were never reached.
            #expect(active > 10, "only \(active) crafted tokens were active")
            print("endpoint fuzz, seed \(seed): \(active) crafted tokens active; answers by status \(statuses.sorted { $0.key < $1.key })")
        }
    }
}
