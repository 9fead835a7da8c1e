import Foundation
import Testing

@testable import BatonCore

@Suite("Refresh-token hash chain and proofs")
struct RefreshChainTests {
    let chain = RefreshChain(chainKey: Data(repeating: 9, count: 32))
    let first = Data(repeating: 1, count: 32)

    func session(at generation: Int, hash: Data, id: UUID = UUID()) -> Session {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        return Session(
            tenantID: TenantID(),
            id: id,
            userID: UUID(),
            clientID: "app",
            scope: [],
            audience: [],
            createdAt: now,
            absoluteExpiresAt: now.addingTimeInterval(3600),
            idleExpiresAt: now.addingTimeInterval(600),
            generation: generation,
            currentHash: hash,
            userAgent: nil,
            ipAddress: nil
        )
    }

    @Test("each generation of the chain stands as current, predecessor or ancestor; forged and misplaced tokens are foreign")
    func standing() throws {
        let id = UUID()
        let secrets = (0...3).map { try! #require(chain.derive(first, steps: $0)) }
        let session = session(at: 3, hash: RefreshChain.digest(secrets[3]), id: id)
        let token = { (generation: Int) in chain.token(sessionID: id, generation: generation, secret: secrets[generation]) }
        #expect(chain.standing(of: token(3), in: session) == .current)
        #expect(chain.standing(of: token(2), in: session) == .predecessor(currentSecret: secrets[3]))
        #expect(chain.standing(of: token(1), in: session) == .ancestor)
        #expect(chain.standing(of: token(0), in: session) == .ancestor)
        // A forged secret with a proof of its own making, the right secret with another generation or session, a
        // generation claimed ahead, a proof cut or flipped: foreign.
        let forged = RefreshToken(sessionID: id, generation: 1, secret: Data(repeating: 2, count: 32), proof: Data(repeating: 0, count: 16))
        var flipped = token(0).proof!
        flipped[0] ^= 1
        for foreign in [
            forged, RefreshToken(sessionID: id, generation: 1, secret: secrets[0], proof: token(0).proof),
            RefreshToken(sessionID: UUID(), generation: 0, secret: secrets[0], proof: token(0).proof),
            chain.token(sessionID: id, generation: 4, secret: secrets[3]),
            RefreshToken(sessionID: id, generation: 0, secret: secrets[0], proof: flipped),
            RefreshToken(sessionID: id, generation: 3, secret: secrets[3], proof: flipped),
        ] {
            #expect(chain.standing(of: foreign, in: session) == .foreign, "\(foreign)")
        }
        // Another tenant's chain key proves nothing here.
        let other = RefreshChain(chainKey: Data(repeating: 8, count: 32))
        #expect(chain.standing(of: other.token(sessionID: id, generation: 0, secret: secrets[0]), in: session) == .foreign)
    }

    @Test("standing costs no walk: an ancestor ten million generations back is one HMAC, a forged one too")
    func constantTime() {
        // The session's hash is never derived here: a proof alone decides for a lag of two or more.
        let session = session(at: 10_000_000, hash: Data(repeating: 7, count: 32))
        let ancestor = chain.token(sessionID: session.id, generation: 3, secret: first)
        #expect(chain.standing(of: ancestor, in: session) == .ancestor)
        let forged = RefreshToken(sessionID: session.id, generation: 3, secret: first, proof: Data(repeating: 1, count: 16))
        #expect(chain.standing(of: forged, in: session) == .foreign)
    }

    @Test("a token without proof: current and predecessor in constant time, older ones against the legacy head within its bound")
    func legacy() throws {
        let secrets = (0...6).map { try! #require(chain.derive(first, steps: $0)) }
        // Proofs came when the session stood at generation 4; it has rotated twice since.
        let head = LegacyChainHead(generation: 4, hash: RefreshChain.digest(secrets[4]))
        let session = session(at: 6, hash: RefreshChain.digest(secrets[6]))
        let old = { (generation: Int) in RefreshToken(sessionID: session.id, generation: generation, secret: secrets[generation]) }
        #expect(chain.standing(of: old(6), in: session) == .current)
        #expect(chain.standing(of: old(5), in: session) == .predecessor(currentSecret: secrets[6]))
        for generation in 0...4 {
            #expect(chain.standing(of: old(generation), in: session) == .needsLegacyHead)
            #expect(chain.standing(of: old(generation), legacyHead: head) == .ancestor, "generation \(generation)")
        }
        #expect(
            chain.standing(of: RefreshToken(sessionID: session.id, generation: 2, secret: Data(repeating: 3, count: 32)), legacyHead: head)
                == .foreign
        )
        #expect(chain.standing(of: old(2), legacyHead: nil) == .foreign, "no head: a session started since proofs exist")
        #expect(chain.standing(of: RefreshToken(sessionID: session.id, generation: 5, secret: secrets[4]), legacyHead: head) == .foreign)
        // Past the legacy bound: refused as foreign, never walked.
        let far = LegacyChainHead(generation: RefreshChain.maxLegacySteps + 1, hash: head.hash)
        #expect(chain.standing(of: old(0), legacyHead: far) == .foreign)
    }
}
