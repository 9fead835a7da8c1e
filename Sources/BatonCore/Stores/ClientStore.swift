/// Persistence of a tenant's clients.
public protocol ClientStore: Sendable {
    /// `BatonError.conflict` if the client id is taken in this tenant.
    func createClient(_ client: Client) async throws
    func client(tenantID: TenantID, clientID: String) async throws -> Client?
}
