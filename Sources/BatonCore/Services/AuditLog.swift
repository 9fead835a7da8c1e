import Foundation
import Logging

/// Writes audit events. A failed write is logged, not thrown: the action it describes has already happened.
public struct AuditLog<Store: AuditStore>: Sendable {

    let store: Store
    let clock: any BatonClock
    let logger: Logger

    public init(store: Store, clock: any BatonClock, logger: Logger) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    public func record(
        _ kind: AuditEvent.Kind,
        tenant: TenantID,
        actor: String,
        sessionID: UUID? = nil,
        userID: UUID? = nil,
        clientID: String? = nil,
        sourceIP: String? = nil,
        details: [String: String] = [:]
    ) async {
        let event = AuditEvent(
            tenantID: tenant,
            kind: kind,
            occurredAt: clock.now(),
            actor: actor,
            sessionID: sessionID,
            userID: userID,
            clientID: clientID,
            sourceIP: sourceIP,
            details: details
        )
        do {
            try await store.appendAuditEvent(event)
        } catch {
            logger.error("audit event not written", metadata: ["event_type": "\(kind.rawValue)", "tenant_id": "\(tenant)"])
        }
    }

    /// A page of events, newest first; `before` is the previous page's last id.
    public func events(tenant: Tenant, kind rawKind: String?, before: Int64?, limit: Int?) async throws -> Page<AuditEvent, Int64> {
        let size = try PageSize(limit)
        let kind = try rawKind.map { raw throws(BatonError) in
            guard let kind = AuditEvent.Kind(rawValue: raw) else {
                throw BatonError.invalidInput("type must be one of \(AuditEvent.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return kind
        }
        return Page(try await store.auditEvents(tenantID: tenant.id, kind: kind, before: before, limit: size.value), size: size, cursor: \.id)
    }
}
