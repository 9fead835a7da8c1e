import BatonCore
import Hummingbird

/// Resolves `{tenant}` on admin routes for the authenticated caller; the rule is `AdminAccess`'s.
enum AdminTenantAccess {
    static func tenant<Store: BatonStore>(_ context: BatonRequestContext, services: BatonServices<Store>) async throws -> Tenant {
        try await services.adminAccess.tenant(
            slug: context.parameters.require("tenant"),
            for: context.requireAdmin(),
            sourceIP: context.remoteAddress?.ipAddress
        )
    }
}
