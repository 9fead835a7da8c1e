import BatonCore
import Logging

extension RefreshTokenGrant {
    /// The grant as `serve` wires it, on `store`, for tests that spend tokens without going through HTTP.
    public static func forTests(store: Store, sealer: SecretSealer, clock: any BatonClock, logger: Logger) -> Self {
        let audit = AuditLog(store: store, clock: clock, logger: logger)
        return RefreshTokenGrant(
            store: store,
            clients: ClientService(store: store, audit: audit, clock: clock, logger: logger),
            issuer: AccessTokenIssuer(signingKeys: SigningKeyRing(sealer: sealer), publicURL: "https://auth.example.test", clock: clock),
            dpop: DPoPVerifier(store: store, nonces: DPoPNonces(masterKey: .generate()), publicURL: "https://auth.example.test", clock: clock),
            chains: ChainKeyRing(sealer: sealer),
            audit: audit,
            clock: clock,
            logger: logger
        )
    }
}
