import BatonCore
import Foundation
import Hummingbird

/// `GET /admin/v1/tenants/{tenant}/audit-events?type=&before=&limit=`, newest first.
struct AdminAuditController<Store: BatonStore>: Sendable {
    let adminAccess: AdminAccess<Store>
    let audit: AuditLog<Store>

    func register(on group: RouterGroup<BatonRequestContext>) {
        group.get("/tenants/{tenant}/audit-events", use: list)
    }

    @Sendable func list(_ request: Request, context: BatonRequestContext) async throws -> AuditEventListResponse {
        let tenant = try await AdminTenantAccess.tenant(context, access: adminAccess)
        let query = request.uri.queryParameters
        let before = try query["before"].map { raw in
            guard let value = Int64(String(raw)), value > 0 else { throw APIError.invalidRequest("before must be a positive integer") }
            return value
        }
        let limit = try PageQuery.read(request).limit
        let page = try await audit.events(tenant: tenant, kind: query["type"].map(String.init), before: before, limit: limit)
        return AuditEventListResponse(events: page.items, nextBefore: page.next)
    }
}
