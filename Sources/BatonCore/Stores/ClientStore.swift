/// Persistence of a tenant's clients.
public protocol ClientStore: Sendable {
    /// `BatonError.conflict` if the client id is taken in this tenant.
    func createClient(_ client: Client) async throws
    func client(tenantID: TenantID, clientID: String) async throws -> Client?
    /// Clients by id, those after `after`, at most `limit`.
    func clients(tenantID: TenantID, after: String?, limit: Int) async throws -> [Client]
    /// Every origin some client of the tenant allows (see `Client.allowedOrigins`).
    func allowedOrigins(tenantID: TenantID) async throws -> Set<String>
    /// The longest `access_token_ttl` a client of the tenant sets for itself; nil when none sets one.
    func longestAccessTokenTTL(tenantID: TenantID) async throws -> Int?
    /// Replaces name, secret digest, grant types, scopes, audiences, allowed origins, session policy and updated_at; `notFound` if gone.
    func updateClient(_ client: Client) async throws
    /// Deletes the client and its sessions; false if there was none.
    func deleteClient(tenantID: TenantID, clientID: String) async throws -> Bool
}
