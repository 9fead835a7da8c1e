import BatonCore
import Foundation
import Testing

@Suite("Session lifetime")
struct SessionTests {
    static func session(idle: TimeInterval, absolute: TimeInterval, revoked: Bool = false, clientID: String = "app") -> Session {
        Session(
            tenantID: TenantID(),
            id: UUID(),
            userID: UUID(),
            clientID: clientID,
            scope: [],
            audience: [],
            createdAt: Date(timeIntervalSince1970: 0),
            absoluteExpiresAt: Date(timeIntervalSince1970: absolute),
            idleExpiresAt: Date(timeIntervalSince1970: idle),
            generation: 0,
            currentHash: Data(),
            revokedAt: revoked ? Date(timeIntervalSince1970: 1) : nil
        )
    }

    @Test("a session ends at the earlier of its idle and absolute expiry")
    func expiresAt() {
        #expect(Self.session(idle: 1_120.3, absolute: 5_000).expiresAt == Date(timeIntervalSince1970: 1_120.3))
        #expect(Self.session(idle: 9_000, absolute: 5_000).expiresAt == Date(timeIntervalSince1970: 5_000))
    }

    @Test("whole seconds left never reach past the end, counted from the whole second tokens are issued at")
    func wholeSecondsLeft() {
        let session = Self.session(idle: 1_120.3, absolute: 5_000)
        // A token issued at 1000.7 carries iat 1000, so exp 1000 + 120 = 1120 is still before 1120.3.
        #expect(session.wholeSecondsLeft(at: Date(timeIntervalSince1970: 1_000.7)) == 120)
        #expect(session.wholeSecondsLeft(at: Date(timeIntervalSince1970: 1_120.1)) == 0)
        #expect(session.wholeSecondsLeft(at: Date(timeIntervalSince1970: 2_000)) == 0)
    }

    @Test("live means not revoked and before both expiries")
    func isLive() {
        let now = Date(timeIntervalSince1970: 1_000)
        #expect(Self.session(idle: 1_001, absolute: 1_001).isLive(at: now))
        #expect(!Self.session(idle: 1_000, absolute: 2_000).isLive(at: now))
        #expect(!Self.session(idle: 2_000, absolute: 1_000).isLive(at: now))
        #expect(!Self.session(idle: 2_000, absolute: 2_000, revoked: true).isLive(at: now))
    }
}

@Suite("Session limits")
struct SessionLimitRuleTests {
    @Test("below the cap nothing is evicted; at it, reject refuses and evict_oldest names the oldest to make room")
    func evictions() {
        // Oldest first, as the stores list them; each with an id of its own.
        let sessions = (0..<4).map { _ in SessionTests.session(idle: 1_000, absolute: 1_000) }
        #expect(SessionLimit(maxPerUser: 3, action: .reject).evictions(live: Array(sessions.prefix(2))) == [])
        #expect(SessionLimit(maxPerUser: 3, action: .reject).evictions(live: Array(sessions.prefix(3))) == nil)
        #expect(SessionLimit(maxPerUser: 3, action: .evictOldest).evictions(live: Array(sessions.prefix(3))) == [sessions[0]])
        #expect(SessionLimit(maxPerUser: 2, action: .evictOldest).evictions(live: sessions) == Array(sessions.prefix(3)))
        #expect(SessionLimit(maxPerUser: 1, action: .evictOldest).evictions(live: []) == [])
    }

    @Test("several caps: the client's counts only its sessions and evicts first, making room under the tenant's; any refusal refuses")
    func combinedEvictions() {
        // Oldest first: app, web, app, web.
        let sessions = ["app", "web", "app", "web"].map { SessionTests.session(idle: 1_000, absolute: 1_000, clientID: $0) }
        let appOne = SessionLimit(maxPerUser: 1, action: .evictOldest, clientID: "app")
        #expect(appOne.evictions(live: sessions) == [sessions[0], sessions[2]])
        // The app's cap evicts both app sessions; the tenant's cap of 3 then has room for a fourth.
        #expect(SessionLimit.evictions([appOne, SessionLimit(maxPerUser: 3, action: .reject)], live: sessions) == [sessions[0], sessions[2]])
        // The tenant's cap of 2 still needs one more gone: the oldest left, web's first, in the order the stores listed.
        #expect(
            SessionLimit.evictions([appOne, SessionLimit(maxPerUser: 2, action: .evictOldest)], live: sessions)
                == [sessions[0], sessions[1], sessions[2]]
        )
        #expect(SessionLimit.evictions([appOne, SessionLimit(maxPerUser: 2, action: .reject)], live: sessions) == nil)
        #expect(SessionLimit.evictions([SessionLimit(maxPerUser: 3, action: .reject, clientID: "web")], live: sessions) == [])
        #expect(SessionLimit.evictions([], live: sessions) == [])
    }
}

@Suite("Client session policy")
struct ClientSessionPolicyTests {
    static let tenant = TenantSettings.default

    @Test("each set member replaces the tenant's; unset ones are the tenant's")
    func lifetimes() {
        let policy = ClientSessionPolicy(accessTokenTTL: 120, reuseGrace: 0)
        #expect(
            policy.lifetimes(under: Self.tenant)
                == SessionLifetimes(
                    accessTokenTTL: 120,
                    refreshIdleTTL: Self.tenant.refreshIdleTTL,
                    refreshAbsoluteTTL: Self.tenant.refreshAbsoluteTTL,
                    reuseGrace: 0
                )
        )
        #expect(ClientSessionPolicy().lifetimes(under: Self.tenant).accessTokenTTL == Self.tenant.accessTokenTTL)
        #expect(ClientSessionPolicy().sessionLimits(clientID: "app", under: Self.tenant).isEmpty)
        var capped = Self.tenant
        capped.maxSessionsPerUser = 5
        #expect(
            ClientSessionPolicy(maxSessionsPerUser: 1).sessionLimits(clientID: "app", under: capped)
                == [SessionLimit(maxPerUser: 1, action: .reject, clientID: "app"), SessionLimit(maxPerUser: 5, action: .reject)]
        )
    }

    @Test("ranges are the tenant policy's; idle never above absolute, the tenant's counting where the client sets none")
    func validation() throws {
        try ClientSessionPolicy(accessTokenTTL: 60, refreshIdleTTL: 60, refreshAbsoluteTTL: 60, reuseGrace: 300, maxSessionsPerUser: 1_000)
            .validate(under: Self.tenant)
        let refused: [ClientSessionPolicy] = [
            ClientSessionPolicy(accessTokenTTL: 59), ClientSessionPolicy(accessTokenTTL: 86_401), ClientSessionPolicy(refreshIdleTTL: 0),
            ClientSessionPolicy(refreshAbsoluteTTL: 400 * 86_400 + 1), ClientSessionPolicy(reuseGrace: -1),
            ClientSessionPolicy(maxSessionsPerUser: 0),
            // The tenant's idle lifetime (14 days) above the client's absolute one.
            ClientSessionPolicy(refreshAbsoluteTTL: 86_400),
            ClientSessionPolicy(refreshIdleTTL: 200 * 86_400),
        ]
        for policy in refused {
            #expect(throws: BatonError.self, "\(policy)") { try policy.validate(under: Self.tenant) }
        }
    }
}
