import Foundation
import Testing

@testable import BatonCore

@Suite("Refresh-token hash chain")
struct RefreshChainTests {
    let chain = RefreshChain(chainKey: Data(repeating: 9, count: 32))
    let first = Data(repeating: 1, count: 32)

    func session(at generation: Int, hash: Data) -> Session {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        return Session(
            tenantID: TenantID(), id: UUID(), userID: UUID(), clientID: "app", scope: [], audience: [], createdAt: now,
            absoluteExpiresAt: now.addingTimeInterval(3600), idleExpiresAt: now.addingTimeInterval(600), generation: generation,
            currentHash: hash, userAgent: nil, ipAddress: nil
        )
    }

    @Test("a token of the chain derives forward to the session's current secret; others do not")
    func membership() throws {
        let current = try #require(chain.derive(first, steps: 3))
        let session = session(at: 3, hash: RefreshChain.digest(current))
        for generation in 0...3 {
            let secret = try #require(chain.derive(first, steps: generation))
            let token = RefreshToken(sessionID: session.id, generation: generation, secret: secret)
            #expect(chain.currentSecret(from: token, of: session) == current, "generation \(generation)")
        }
        // Forged secret, a generation claimed ahead of the session, or the right secret labelled with the wrong generation.
        #expect(chain.currentSecret(from: RefreshToken(sessionID: session.id, generation: 2, secret: Data(repeating: 2, count: 32)), of: session) == nil)
        #expect(chain.currentSecret(from: RefreshToken(sessionID: session.id, generation: 4, secret: current), of: session) == nil)
        #expect(chain.currentSecret(from: RefreshToken(sessionID: session.id, generation: 1, secret: current), of: session) == nil)
    }
}
