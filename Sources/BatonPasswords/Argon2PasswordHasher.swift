import BatonCore
import CArgon2
import Foundation
import NIOPosix
import Tracing

/// Argon2id (OWASP: m = 19456 KiB, t = 2, p = 1) on a dedicated thread pool, with a bound on waiting work:
/// when more hashes queue than the bound allows, callers get `unavailable` instead of starving other requests.
/// No tenant may hold more than half of those places, so a login flood on one tenant leaves the other half to
/// every other tenant.
public final class Argon2PasswordHasher: PasswordHasher {
    public struct Parameters: Sendable, Equatable {
        public var memoryKiB: UInt32 = 19_456
        public var iterations: UInt32 = 2
        public var parallelism: UInt32 = 1
        public init() {}
    }

    let parameters: Parameters
    private let pool: NIOThreadPool
    private let gate: HashingGate

    /// - Parameters:
    ///   - threads: concurrent hashes (each holds `memoryKiB` of memory while it runs).
    ///   - maxWaiting: hashes allowed to wait for a thread; beyond it, `unavailable`.
    public init(parameters: Parameters = .init(), threads: Int = 2, maxWaiting: Int = 32) {
        self.parameters = parameters
        self.pool = NIOThreadPool(numberOfThreads: threads)
        self.pool.start()
        self.gate = HashingGate(capacity: threads + maxWaiting, perTenant: max(1, (threads + maxWaiting) / 2))
    }

    deinit { pool.shutdownGracefully { _ in } }

    public func hash(_ password: String, for tenant: TenantID?) async throws -> String {
        try PasswordPolicy.validate(password)
        let parameters = self.parameters
        let salt = RandomSecret.bytes(16)
        return try await withSpan("password.hash") { _ in
            try await gate.run(for: tenant) {
                try await self.pool.runIfActive {
                    try Self.hashSync(password, salt: salt, parameters: parameters)
                }
            }
        }
    }

    public func verify(_ password: String, against phc: String, for tenant: TenantID?) async throws -> Bool {
        guard password.unicodeScalars.count <= PasswordPolicy.maxLength, phc.hasPrefix("$argon2id$") else { return false }
        return try await withSpan("password.verify") { _ in
            try await gate.run(for: tenant) {
                try await self.pool.runIfActive {
                    let bytes = Array(password.utf8)
                    return argon2id_verify(phc, bytes, bytes.count) == ARGON2_OK.rawValue
                }
            }
        }
    }

    public func needsRehash(_ phc: String) -> Bool {
        let expected = "$argon2id$v=19$m=\(parameters.memoryKiB),t=\(parameters.iterations),p=\(parameters.parallelism)$"
        return !phc.hasPrefix(expected)
    }

    static func hashSync(_ password: String, salt: Data, parameters: Parameters) throws -> String {
        let bytes = Array(password.utf8)
        let saltBytes = Array(salt)
        let length = argon2_encodedlen(parameters.iterations, parameters.memoryKiB, parameters.parallelism, UInt32(saltBytes.count), 32, Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let status = argon2id_hash_encoded(
            parameters.iterations,
            parameters.memoryKiB,
            parameters.parallelism,
            bytes,
            bytes.count,
            saltBytes,
            saltBytes.count,
            32,
            &encoded,
            length
        )
        guard status == ARGON2_OK.rawValue else { throw BatonError.unavailable("password hashing failed") }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Admits at most `capacity` hashing jobs at once (running or waiting), and at most `perTenant` of one tenant's;
/// the rest are refused at once.
actor HashingGate {
    private let capacity: Int
    private let perTenant: Int
    private(set) var admitted = 0
    private var admittedByTenant: [TenantID: Int] = [:]

    init(capacity: Int, perTenant: Int) {
        self.capacity = capacity
        self.perTenant = perTenant
    }

    func run<T: Sendable>(for tenant: TenantID?, _ body: @Sendable () async throws -> T) async throws -> T {
        guard admitted < capacity else { throw BatonError.unavailable("too many logins at once; retry shortly") }
        if let tenant {
            guard admittedByTenant[tenant, default: 0] < perTenant else {
                throw BatonError.unavailable("too many logins at once for this tenant; retry shortly")
            }
            admittedByTenant[tenant, default: 0] += 1
        }
        admitted += 1
        defer {
            admitted -= 1
            if let tenant {
                admittedByTenant[tenant, default: 1] -= 1
                if admittedByTenant[tenant] == 0 { admittedByTenant[tenant] = nil }
            }
        }
        return try await body()
    }
}
