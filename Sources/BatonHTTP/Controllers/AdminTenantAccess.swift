import BatonCore
import Hummingbird

/// Resolves `{tenant}` on admin routes for the authenticated caller; the rule is `AdminAccess`'s.
enum AdminTenantAccess {
    static func tenant<Store: BatonStore>(_ context: BatonRequestContext, access: AdminAccess<Store>) async throws -> Tenant {
        try await access.tenant(
            slug: context.parameters.require("tenant"),
            for: context.requireAdmin(),
            sourceIP: context.remoteAddress?.ipAddress
        )
    }
}
