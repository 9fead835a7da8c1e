/// Everything the service persists; implemented by `MemoryStore` and `PostgresStore`, held to one contract suite.
public protocol BatonStore: TenantStore, SigningKeyStore, ChainKeyStore, AdminKeyStore, ClientStore, UserStore, SessionStore, AuditStore,
    LoginThrottleStore, SchedulerLockStore, SecretResealStore, PurgeStore, DPoPProofStore
{
    /// Throws if the backing database cannot answer now (readiness).
    func checkReachable() async throws
}
