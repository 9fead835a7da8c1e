import Foundation
import Logging

/// Self-registration, when the tenant allows it. Every attempt costs a password hash and its `409` says that a
/// username exists, so attempts are limited per source and per tenant (in the store, shared by every instance):
/// signup can neither burn the hashing pool nor enumerate usernames faster than those limits.
public struct SignupService<Store: UserStore & SessionStore & AuditStore & LoginThrottleStore>: Sendable {
    /// Attempts allowed in one window, successful or not.
    public struct Policy: Sendable {
        public var window = 900
        public var perSource = 10
        public var perTenant = 1_000
        public init() {}
    }

    let users: UserService<Store>
    let store: Store
    let policy: Policy
    let clock: any BatonClock
    let logger: Logger

    public init(users: UserService<Store>, store: Store, policy: Policy = .init(), clock: any BatonClock, logger: Logger) {
        self.users = users
        self.store = store
        self.policy = policy
        self.clock = clock
        self.logger = logger
    }

    /// Creates the user; `forbidden` when the tenant does not allow signup, `rateLimited` past a limit (nothing is
    /// hashed or stored then), `conflict` when the username is taken.
    public func signup(tenant: Tenant, username: String, password: String, sourceIP: String?) async throws -> User {
        guard tenant.settings.allowSignup else { throw BatonError.forbidden("signup is not open for this tenant") }
        let limits = ["signup:s:\(sourceIP ?? "unknown")": policy.perSource, "signup:t": policy.perTenant]
        guard try await store.reserveLoginAttempt(tenantID: tenant.id, limits: limits, now: clock.now(), window: policy.window) else {
            logger.notice("signup throttled", metadata: ["tenant": "\(tenant.slug)", "source_ip": "\(sourceIP ?? "-")"])
            throw BatonError.rateLimited("too many signups; try again later", retryAfter: policy.window)
        }
        return try await users.create(tenant: tenant, username: username, password: password, actor: "signup")
    }
}
