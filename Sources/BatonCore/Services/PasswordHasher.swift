/// Hashes and verifies passwords as PHC strings; implementations keep the work off the event loop.
public protocol PasswordHasher: Sendable {
    func hash(_ password: String) async throws -> String
    /// False for a wrong password or a malformed hash; never throws for either.
    func verify(_ password: String, against phc: String) async throws -> Bool
    /// Whether `phc` was made with weaker parameters than the current ones (upgrade on next login).
    func needsRehash(_ phc: String) -> Bool
}
