import BatonCore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func createTenant(_ tenant: Tenant, signingKeys: [SigningKey], chainKey: ChainKey) async throws {
        try await translatingErrors {
            try await leases.transaction(logger: logger) { connection in
                let s = tenant.settings
                try await connection.query(
                    """
                    INSERT INTO tenants (tenant_id, slug, display_name, access_token_ttl, refresh_idle_ttl, refresh_absolute_ttl,
                        reuse_grace, signing_alg, key_rotation_interval, jwks_max_age, allow_signup, audiences, max_sessions_per_user,
                        on_session_limit, created_at, updated_at)
                    VALUES (\(tenant.id.uuid), \(tenant.slug.value), \(tenant.displayName), \(s.accessTokenTTL), \(s.refreshIdleTTL),
                        \(s.refreshAbsoluteTTL), \(s.reuseGrace), \(s.signingAlgorithm.rawValue), \(s.keyRotationInterval),
                        \(s.jwksMaxAge), \(s.allowSignup), \(s.audiences), \(s.maxSessionsPerUser), \(s.onSessionLimit.rawValue),
                        \(tenant.createdAt), \(tenant.updatedAt))
                    """,
                    logger: logger
                )
                for key in signingKeys {
                    try await Self.insert(key, on: connection, logger: logger)
                }
                try await connection.query(
                    """
                    INSERT INTO chain_keys (tenant_id, id, sealed_key, master_key_id, created_at)
                    VALUES (\(chainKey.tenantID.uuid), \(chainKey.id), \(chainKey.sealedKey.combined),
                        \(chainKey.sealedKey.masterKeyID), \(chainKey.createdAt))
                    """,
                    logger: logger
                )
            }
        }
    }

    public func tenant(slug: TenantSlug) async throws -> Tenant? {
        try await translatingErrors {
            let rows = try await client.query("\(unescaped: Self.tenantColumns) WHERE slug = \(slug.value)", logger: logger)
            return try await Self.decodeTenants(rows).first
        }
    }

    public func tenants(after: TenantSlug?, limit: Int) async throws -> [Tenant] {
        try await translatingErrors {
            let rows = try await client.query(
                "\(unescaped: Self.tenantColumns) WHERE slug > \(after?.value ?? "") ORDER BY slug LIMIT \(limit)",
                logger: logger
            )
            return try await Self.decodeTenants(rows)
        }
    }

    public func updateTenant(_ tenant: Tenant) async throws {
        try await translatingErrors {
            let s = tenant.settings
            try await leases.transaction(logger: logger) { connection in
                let rows = try await connection.query(
                    """
                    UPDATE tenants SET display_name = \(tenant.displayName), access_token_ttl = \(s.accessTokenTTL),
                        refresh_idle_ttl = \(s.refreshIdleTTL), refresh_absolute_ttl = \(s.refreshAbsoluteTTL),
                        reuse_grace = \(s.reuseGrace), signing_alg = \(s.signingAlgorithm.rawValue),
                        key_rotation_interval = \(s.keyRotationInterval), jwks_max_age = \(s.jwksMaxAge),
                        allow_signup = \(s.allowSignup), audiences = \(s.audiences), max_sessions_per_user = \(s.maxSessionsPerUser),
                        on_session_limit = \(s.onSessionLimit.rawValue), updated_at = \(tenant.updatedAt)
                    WHERE tenant_id = \(tenant.id.uuid)
                    RETURNING tenant_id
                    """,
                    logger: logger
                )
                guard try await rows.count() == 1 else { throw BatonError.notFound("no such tenant") }
                try await Self.notify(.tenant(tenant.id), on: connection, logger: logger)
            }
        }
    }

    public func deleteTenant(_ id: TenantID) async throws -> Bool {
        try await translatingErrors {
            try await leases.transaction(logger: logger) { connection in
                let rows = try await connection.query("DELETE FROM tenants WHERE tenant_id = \(id.uuid) RETURNING tenant_id", logger: logger)
                let deleted = try await rows.count() == 1
                if deleted { try await Self.notify(.tenant(id), on: connection, logger: logger) }
                return deleted
            }
        }
    }

    static let tenantColumns = """
        SELECT tenant_id, slug, display_name, access_token_ttl, refresh_idle_ttl, refresh_absolute_ttl, reuse_grace,
            signing_alg, key_rotation_interval, jwks_max_age, allow_signup, audiences, created_at, updated_at,
            max_sessions_per_user, on_session_limit
        FROM tenants
        """

    static func decodeTenants(_ rows: PostgresRowSequence) async throws -> [Tenant] {
        var tenants: [Tenant] = []
        let decoded = rows.decode((UUID, String, String, Int, Int, Int, Int, String, Int, Int, Bool, [String], Date, Date, Int, String).self)
        for try await (
            id, slug, name, accessTTL, idleTTL, absoluteTTL, grace, alg, rotation, maxAge, signup, audiences, created, updated, cap, onLimit
        )
            in decoded
        {
            let settings = TenantSettings(
                accessTokenTTL: accessTTL,
                refreshIdleTTL: idleTTL,
                refreshAbsoluteTTL: absoluteTTL,
                reuseGrace: grace,
                signingAlgorithm: try SigningAlgorithm(parsing: alg),
                keyRotationInterval: rotation,
                jwksMaxAge: maxAge,
                allowSignup: signup,
                audiences: audiences,
                maxSessionsPerUser: cap,
                onSessionLimit: try SessionLimit.Action(parsing: onLimit)
            )
            tenants.append(
                Tenant(
                    id: TenantID(id),
                    slug: try TenantSlug(slug),
                    displayName: name,
                    settings: settings,
                    createdAt: created,
                    updatedAt: updated
                )
            )
        }
        return tenants
    }
}
