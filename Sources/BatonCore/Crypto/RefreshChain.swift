import Crypto
import Foundation

/// The refresh-token hash chain of one tenant: secret[n+1] = HMAC-SHA256(chain key, secret[n]).
/// Sessions store only SHA-256 of the current secret, so a database dump can neither mint nor derive a token.
///
/// Every token Baton issues also carries a proof: HMAC-SHA256 under a key derived from the chain key over the
/// session id, the generation and the secret, cut to 16 bytes. A presented token whose proof holds was issued by
/// Baton for that session and generation, so "forged, reuse or grace retry" is decided in constant time, whatever
/// the token's lag behind its session: a proven token behind the session is a spent ancestor (reuse); one without a
/// valid proof is forged and revokes nothing. Neither key is in the database, only sealed.
public struct RefreshChain: Sendable {
    /// How far a token issued before proofs existed may lag its session's pre-upgrade head (`LegacyChainHead`) for
    /// Baton to still derive forward to it; older ones are refused as invalid, not taken as reuse. Bounds the one
    /// remaining walk, which only sessions that existed before the upgrade can reach.
    public static let maxLegacySteps = 10_000

    private let key: SymmetricKey
    private let proofKey: SymmetricKey

    public init(chainKey: Data) {
        self.key = SymmetricKey(data: chainKey)
        self.proofKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: chainKey),
            info: Data("baton/refresh-token-proof/v1".utf8),
            outputByteCount: 32
        )
    }

    public func successor(of secret: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: secret, using: key))
    }

    /// The secret `steps` generations after `secret`, or nil if `steps` is negative or over `maxLegacySteps`.
    public func derive(_ secret: Data, steps: Int) -> Data? {
        guard steps >= 0, steps <= Self.maxLegacySteps else { return nil }
        var current = secret
        for _ in 0..<steps { current = successor(of: current) }
        return current
    }

    /// The token to hand out for this session, generation and secret, with its proof.
    public func token(sessionID: UUID, generation: Int, secret: Data) -> RefreshToken {
        RefreshToken(
            sessionID: sessionID,
            generation: generation,
            secret: secret,
            proof: proof(sessionID: sessionID, generation: generation, secret: secret)
        )
    }

    /// Whether `token` carries a proof and it is the one Baton gives that session, generation and secret.
    public func proves(_ token: RefreshToken) -> Bool {
        guard let presented = token.proof else { return false }
        return SecretDigest.equal(presented, proof(sessionID: token.sessionID, generation: token.generation, secret: token.secret))
    }

    /// What a token's proof must be: 16 bytes of HMAC-SHA256(proof key, session id ‖ generation (8 bytes, big
    /// endian) ‖ secret).
    func proof(sessionID: UUID, generation: Int, secret: Data) -> Data {
        var message = Data(capacity: 16 + 8 + secret.count)
        withUnsafeBytes(of: sessionID.uuid) { message.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(clamping: generation).bigEndian) { message.append(contentsOf: $0) }
        message.append(secret)
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: proofKey).prefix(RefreshToken.proofLength))
    }

    /// How `token` stands to `session`'s chain, in constant time but for a token without proof lagging two or more
    /// generations, which needs the session's `LegacyChainHead`.
    public enum Standing: Equatable, Sendable {
        /// Not of this chain (forged, another session's, or a proof that does not hold).
        case foreign
        /// The session's current token.
        case current
        /// The immediate predecessor; the session's current secret, derived from it, is attached.
        case predecessor(currentSecret: Data)
        /// An older token of this chain.
        case ancestor
        /// A token without proof lagging two or more generations: `standing(of:in:legacyHead:)` decides.
        case needsLegacyHead
    }

    public func standing(of token: RefreshToken, in session: Session) -> Standing {
        // A proof, when present, must hold: a token with a broken one is not Baton's, whatever its secret.
        if token.proof != nil, !proves(token) { return .foreign }
        switch session.generation - token.generation {
        case 0:
            return SecretDigest.equal(Self.digest(token.secret), session.currentHash) ? .current : .foreign
        case 1:
            let current = successor(of: token.secret)
            return SecretDigest.equal(Self.digest(current), session.currentHash) ? .predecessor(currentSecret: current) : .foreign
        case 2...:
            return token.proof != nil ? .ancestor : .needsLegacyHead
        default:
            return .foreign
        }
    }

    /// For a token without proof lagging two or more generations: an ancestor if it derives forward to the head
    /// its session had when proofs were introduced (within `maxLegacySteps`), else foreign.
    public func standing(of token: RefreshToken, legacyHead head: LegacyChainHead?) -> Standing {
        guard let head, token.proof == nil, let derived = derive(token.secret, steps: head.generation - token.generation),
            SecretDigest.equal(Self.digest(derived), head.hash)
        else { return .foreign }
        return .ancestor
    }

    /// `standing(of:in:)`, asking `store` for the session's legacy head in the one case that needs it.
    public func standing(of token: RefreshToken, in session: Session, store: some SessionStore) async throws -> Standing {
        let standing = standing(of: token, in: session)
        guard standing == .needsLegacyHead else { return standing }
        return self.standing(of: token, legacyHead: try await store.legacyChainHead(tenantID: session.tenantID, sessionID: session.id))
    }

    /// What the session row stores for a secret.
    public static func digest(_ secret: Data) -> Data { Data(SHA256.hash(data: secret)) }
}
