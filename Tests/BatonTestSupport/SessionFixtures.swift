import BatonCore
import Foundation

extension Client {
    /// A public client of `tenant` with the refresh_token grant: the client a test about sessions logs in with.
    public static func publicApp(
        _ clientID: String = "app",
        name: String? = nil,
        of tenant: TenantID,
        scopes: [String] = [],
        allowedOrigins: [String] = [],
        sessionPolicy: ClientSessionPolicy = ClientSessionPolicy(),
        at now: Date
    ) -> Client {
        Client(
            tenantID: tenant,
            clientID: clientID,
            name: name ?? clientID,
            kind: .public,
            secretDigest: nil,
            grantTypes: ["refresh_token"],
            scopes: scopes,
            audiences: [],
            allowedOrigins: allowedOrigins,
            createdAt: now,
            updatedAt: now,
            sessionPolicy: sessionPolicy
        )
    }
}

extension User {
    /// A user `u` of `tenant` whose password hash no password matches: the owner of a test's sessions, never logged
    /// in with a password.
    public static func sessionOwner(of tenant: TenantID, at now: Date) -> User {
        User(tenantID: tenant, id: UUID(), username: "u", passwordHash: "$argon2id$fake", disabled: false, createdAt: now, updatedAt: now)
    }
}
