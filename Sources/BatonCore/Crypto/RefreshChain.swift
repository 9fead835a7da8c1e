import Crypto
import Foundation

/// The refresh-token hash chain of one tenant: secret[n+1] = HMAC-SHA256(chain key, secret[n]).
/// Sessions store only SHA-256 of the current secret, so a database dump can neither mint nor derive a token.
public struct RefreshChain: Sendable {
    /// How many generations a presented token may lag the session before Baton stops deriving (bounded work).
    public static let maxDerivationSteps = 100_000

    private let key: SymmetricKey

    public init(chainKey: Data) { self.key = SymmetricKey(data: chainKey) }

    public func successor(of secret: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: secret, using: key))
    }

    /// The secret `steps` generations after `secret`, or nil if `steps` is negative or over the cap.
    public func derive(_ secret: Data, steps: Int) -> Data? {
        guard steps >= 0, steps <= Self.maxDerivationSteps else { return nil }
        var current = secret
        for _ in 0..<steps { current = successor(of: current) }
        return current
    }

    /// The session's current secret if `token` is of its chain (derives forward to the stored hash), else nil:
    /// a token with the right session id but another secret is not of the chain, whatever its generation.
    public func currentSecret(from token: RefreshToken, of session: Session) -> Data? {
        guard let current = derive(token.secret, steps: session.generation - token.generation), Self.digest(current) == session.currentHash else {
            return nil
        }
        return current
    }

    /// What the session row stores for a secret.
    public static func digest(_ secret: Data) -> Data { Data(SHA256.hash(data: secret)) }
}
