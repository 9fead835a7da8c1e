import BatonCore
import Foundation
import Testing

@Suite("Session lifetime")
struct SessionTests {
    static func session(idle: TimeInterval, absolute: TimeInterval, revoked: Bool = false) -> Session {
        Session(
            tenantID: TenantID(),
            id: UUID(),
            userID: UUID(),
            clientID: "app",
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
}
