import Foundation

/// One entry of a tenant's audit trail. Holds ids and reasons, never a token, secret or password.
public struct AuditEvent: Sendable, Equatable {
    /// Event types, as stored and filtered on.
    public enum Kind: String, Sendable, CaseIterable {
        case loginSucceeded = "login.succeeded"
        case loginFailed = "login.failed"
        case loginThrottled = "login.throttled"
        case sessionCreated = "session.created"
        case sessionRevoked = "session.revoked"
        case reuseDetected = "refresh_token.reuse_detected"
        case clientCreated = "client.created"
        case userCreated = "user.created"
        case userUpdated = "user.updated"
        case userDeleted = "user.deleted"
        case clientUpdated = "client.updated"
        case clientDeleted = "client.deleted"
        case clientSecretRotated = "client.secret_rotated"
        case adminAuthenticationFailed = "admin_key.authentication_failed"
        case adminKeyIssued = "admin_key.issued"
        case adminKeyRevoked = "admin_key.revoked"
        case tenantUpdated = "tenant.updated"
        case keyRotated = "signing_key.rotated"
        case keyRevoked = "signing_key.revoked"
        case keyRetired = "signing_key.retired"
        case masterKeyRewrapped = "master_key.rewrapped"
    }

    /// Store-assigned, increasing; nil before it is stored.
    public let id: Int64?
    public let tenantID: TenantID
    public let kind: Kind
    public let occurredAt: Date
    public let actor: String
    public let sessionID: UUID?
    public let userID: UUID?
    public let clientID: String?
    public let sourceIP: String?
    public let details: [String: String]

    public init(
        id: Int64? = nil,
        tenantID: TenantID,
        kind: Kind,
        occurredAt: Date,
        actor: String,
        sessionID: UUID? = nil,
        userID: UUID? = nil,
        clientID: String? = nil,
        sourceIP: String? = nil,
        details: [String: String] = [:]
    ) {
        self.id = id
        self.tenantID = tenantID
        self.kind = kind
        self.occurredAt = occurredAt
        self.actor = actor
        self.sessionID = sessionID
        self.userID = userID
        self.clientID = clientID
        self.sourceIP = sourceIP
        self.details = details
    }
}
