/// Hashes and verifies passwords as PHC strings; implementations keep the work off the event loop. `tenant` lets an
/// implementation share its hashing capacity fairly between tenants (nil: work of no tenant in particular).
public protocol PasswordHasher: Sendable {
    func hash(_ password: String, for tenant: TenantID?) async throws -> String
    /// False for a wrong password or a malformed hash; never throws for either.
    func verify(_ password: String, against phc: String, for tenant: TenantID?) async throws -> Bool
    /// Whether `phc` was made with weaker parameters than the current ones (upgrade on next login).
    func needsRehash(_ phc: String) -> Bool
}

extension PasswordHasher {
    public func hash(_ password: String) async throws -> String { try await hash(password, for: nil) }

    public func verify(_ password: String, against phc: String) async throws -> Bool { try await verify(password, against: phc, for: nil) }
}
