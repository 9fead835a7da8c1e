import Foundation
import Logging

/// Registers clients and authenticates them (secrets compared by SHA-256 digest, in constant time).
public struct ClientService<Store: ClientStore & AuditStore>: Sendable {
    public static var secretPrefix: String { "baton_cs" }
    public static var supportedGrantTypes: Set<String> { ["refresh_token", "client_credentials"] }

    let store: Store
    let audit: AuditLog<Store>
    /// Clients by tenant and id for the token endpoint's hot path.
    let clientCache: ExpiringCache<ClientCacheKey, Client>
    /// Every origin some client of a tenant allows, for the preflights and client-less responses of its browser
    /// endpoints: one entry per tenant, whatever origins strangers send.
    let tenantOriginCache: ExpiringCache<TenantID, Set<String>>
    let clock: any BatonClock
    let logger: Logger

    public init(store: Store, audit: AuditLog<Store>, clock: any BatonClock, logger: Logger) {
        self.store = store
        self.audit = audit
        self.clientCache = ExpiringCache(lifetime: ExpiringCache<ClientCacheKey, Client>.lookupLifetime, clock: clock)
        self.tenantOriginCache = ExpiringCache(lifetime: ExpiringCache<TenantID, Set<String>>.lookupLifetime, clock: clock)
        self.clock = clock
        self.logger = logger
    }

    /// Creates a client; returns it with its secret (confidential clients only), which is never stored or shown again.
    /// Without `grantTypes` the client may start and refresh sessions (`refresh_token`) only.
    public func create(
        tenant: Tenant,
        clientID rawID: String?,
        name: String,
        kind: Client.Kind,
        grantTypes: [String]?,
        scopes: [String],
        audiences: [String],
        allowedOrigins: [String] = [],
        dpopBoundAccessTokens: Bool = false,
        sessionPolicy: ClientSessionPolicy = ClientSessionPolicy(),
        actor: String
    ) async throws -> (Client, secret: String?) {
        let clientID = try rawID.map(Self.validateClientID) ?? "c_\(Base64URL.encode(RandomSecret.bytes(12)))"
        let name = try DisplayName.validate(name, field: "name")
        let grantTypes = try Self.validated(grantTypes: grantTypes ?? ["refresh_token"], kind: kind)
        let scopes = try Self.validated(tokens: scopes, field: "scopes")
        let audiences = try Self.validated(tokens: audiences, field: "audiences")
        let allowedOrigins = try Self.validated(allowedOrigins: allowedOrigins, kind: kind)
        try sessionPolicy.validate(under: tenant.settings)
        let secret = kind == .confidential ? RandomSecret.token(prefix: Self.secretPrefix) : nil
        let now = clock.now()
        let client = Client(
            tenantID: tenant.id,
            clientID: clientID,
            name: name,
            kind: kind,
            secretDigest: secret.map(SecretDigest.sha256),
            grantTypes: grantTypes,
            scopes: scopes,
            audiences: audiences,
            allowedOrigins: allowedOrigins,
            createdAt: now,
            updatedAt: now,
            dpopBoundAccessTokens: dpopBoundAccessTokens,
            sessionPolicy: sessionPolicy
        )
        try await store.createClient(client)
        tenantOriginCache.invalidate(tenant.id)
        logger.info("client created", metadata: ["tenant": "\(tenant.slug)", "client_id": "\(clientID)", "client_type": "\(kind.rawValue)"])
        await audit.record(.clientCreated, tenant: tenant.id, actor: actor, clientID: clientID, details: ["client_type": kind.rawValue])
        return (client, secret)
    }

    public func client(tenant: Tenant, clientID: String) async throws -> Client {
        guard let client = try await store.client(tenantID: tenant.id, clientID: clientID) else { throw BatonError.notFound("no such client") }
        return client
    }

    /// Authenticates `credentials`: confidential clients need their secret; public clients must not send one.
    public func authenticate(_ credentials: ClientCredentials, tenant: Tenant) async throws -> Client {
        let basic = credentials.method == .basic
        let failure = OAuthError(.invalidClient, "client authentication failed", usedBasicAuthentication: basic)
        guard let client = try await cachedClient(credentials.clientID, tenant: tenant) else { throw failure }
        switch client.kind {
        case .confidential:
            guard let secret = credentials.secret, secret.utf8.count <= 256, let digest = client.secretDigest,
                SecretDigest.equal(SecretDigest.sha256(secret), digest)
            else { throw failure }
        case .public:
            guard credentials.secret == nil else { throw failure }
        }
        return client
    }

    public func list(tenant: Tenant, after: String?, limit: Int?) async throws -> Page<Client, String> {
        let size = try PageSize(limit)
        return Page(try await store.clients(tenantID: tenant.id, after: after, limit: size.value), size: size, cursor: \.clientID)
    }

    public func update(
        tenant: Tenant,
        client: Client,
        name: String?,
        grantTypes: [String]?,
        scopes: [String]?,
        audiences: [String]?,
        allowedOrigins: [String]? = nil,
        dpopBoundAccessTokens: Bool? = nil,
        sessionPolicy: ClientSessionPolicyPatch = ClientSessionPolicyPatch(),
        actor: String
    ) async throws -> Client {
        var updated = client
        if let name { updated.name = try DisplayName.validate(name, field: "name") }
        if let grantTypes { updated.grantTypes = try Self.validated(grantTypes: grantTypes, kind: client.kind) }
        if let scopes { updated.scopes = try Self.validated(tokens: scopes, field: "scopes") }
        if let audiences { updated.audiences = try Self.validated(tokens: audiences, field: "audiences") }
        if let allowedOrigins { updated.allowedOrigins = try Self.validated(allowedOrigins: allowedOrigins, kind: client.kind) }
        if let dpopBoundAccessTokens { updated.dpopBoundAccessTokens = dpopBoundAccessTokens }
        if sessionPolicy != ClientSessionPolicyPatch() {
            updated.sessionPolicy = sessionPolicy.applied(to: client.sessionPolicy)
            try updated.sessionPolicy.validate(under: tenant.settings)
        }
        updated.updatedAt = clock.now()
        try await store.updateClient(updated)
        clientCache.invalidate(ClientCacheKey(tenantID: tenant.id, clientID: client.clientID))
        tenantOriginCache.invalidate(tenant.id)
        await audit.record(.clientUpdated, tenant: tenant.id, actor: actor, clientID: client.clientID)
        return updated
    }

    /// The grant types a client of `kind` may hold: supported ones, each once, `client_credentials` for confidential
    /// clients only.
    static func validated(grantTypes: [String], kind: Client.Kind) throws(BatonError) -> [String] {
        guard !grantTypes.isEmpty, Set(grantTypes).isSubset(of: supportedGrantTypes), Set(grantTypes).count == grantTypes.count else {
            throw BatonError.invalidInput("grant_types must list refresh_token and/or client_credentials, once each")
        }
        guard kind == .confidential || !grantTypes.contains("client_credentials") else {
            throw BatonError.invalidInput("only confidential clients may use client_credentials")
        }
        return grantTypes
    }

    /// A client's origins: valid ones (`BrowserOrigin`), for public clients only, since a confidential client's secret
    /// must never reach a browser.
    static func validated(allowedOrigins: [String], kind: Client.Kind) throws(BatonError) -> [String] {
        guard kind == .public || allowedOrigins.isEmpty else {
            throw .invalidInput("allowed_origins is for public clients: a confidential client's secret must not reach a browser")
        }
        return try BrowserOrigin.validated(allowedOrigins)
    }

    /// Whether a page on `origin` may read a response of `tenant`'s browser endpoints (CORS). A response to a request
    /// naming a client is readable where that client allows it, so a page allowed for one client cannot read another's
    /// answers; preflights, which carry no body, and requests naming none (signup, a request refused before naming
    /// its client) are readable where any client of the tenant allows it. An unknown client allows nowhere.
    public func allowsOrigin(_ origin: String, tenant: Tenant, clientID: String?) async throws -> Bool {
        let store = self.store
        guard let clientID else {
            let origins = try await tenantOriginCache.value(for: tenant.id) { try await store.allowedOrigins(tenantID: tenant.id) }
            return origins?.contains(origin) ?? false
        }
        return try await cachedClient(clientID, tenant: tenant)?.allowedOrigins.contains(origin) ?? false
    }

    /// The client by id from the hot-path cache (loaded on a miss); nil for none, and for an id longer than any
    /// client's, which is not looked up.
    private func cachedClient(_ clientID: String, tenant: Tenant) async throws -> Client? {
        guard clientID.utf8.count <= 128 else { return nil }
        let store = self.store
        let key = ClientCacheKey(tenantID: tenant.id, clientID: clientID)
        return try await clientCache.value(for: key) { try await store.client(tenantID: key.tenantID, clientID: key.clientID) }
    }

    /// Scope or audience tokens, each valid, stored once and sorted.
    static func validated(tokens: [String], field: String) throws(BatonError) -> [String] {
        for token in tokens { try ScopeList.validateToken(token, field: field) }
        return Array(Set(tokens)).sorted()
    }

    /// Deletes the client; its sessions go with it.
    public func delete(tenant: Tenant, clientID: String, actor: String) async throws {
        guard try await store.deleteClient(tenantID: tenant.id, clientID: clientID) else { throw BatonError.notFound("no such client") }
        clientCache.invalidate(ClientCacheKey(tenantID: tenant.id, clientID: clientID))
        tenantOriginCache.invalidate(tenant.id)
        await audit.record(.clientDeleted, tenant: tenant.id, actor: actor, clientID: clientID)
    }

    /// Issues a new secret (shown once); the old one stops working at once.
    public func rotateSecret(tenant: Tenant, client: Client, actor: String) async throws -> (Client, secret: String) {
        guard client.kind == .confidential else { throw BatonError.invalidInput("public clients have no secret") }
        let secret = RandomSecret.token(prefix: Self.secretPrefix)
        var updated = client
        updated.secretDigest = SecretDigest.sha256(secret)
        updated.updatedAt = clock.now()
        try await store.updateClient(updated)
        clientCache.invalidate(ClientCacheKey(tenantID: tenant.id, clientID: client.clientID))
        await audit.record(.clientSecretRotated, tenant: tenant.id, actor: actor, clientID: client.clientID)
        return (updated, secret)
    }

    static func validateClientID(_ raw: String) throws(BatonError) -> String {
        guard (3...128).contains(raw.utf8.count),
            raw.utf8.allSatisfy({
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E
            })
        else {
            throw .invalidInput("client_id must be 3 to 128 characters of A-Z a-z 0-9 - _ .")
        }
        return raw
    }
}

/// A client's identity across tenants, for caching.
public struct ClientCacheKey: Hashable, Sendable {
    let tenantID: TenantID
    let clientID: String
}
