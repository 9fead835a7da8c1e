import BatonCore
import Hummingbird
import Logging

/// Builds Baton's router: middleware in order (request id, tracing, security headers, metrics, request log, CORS,
/// errors, request target, body limit), then every controller.
public enum BatonRouter {
    public static func build<Store: BatonStore>(services: BatonServices<Store>, openAPIDocument: ByteBuffer) -> Router<BatonRequestContext> {
        let routeTable = RouteTable(routes(services: services, openAPIDocument: openAPIDocument))
        let router = Router(context: BatonRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: RequestTracingMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: RequestMetricsMiddleware(metrics: services.metrics))
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: CORSMiddleware(tenants: services.tenants, clients: services.clients, routeTable: routeTable))
        router.add(middleware: ErrorMiddleware(routeTable: routeTable))
        router.add(middleware: RequestTargetMiddleware())
        router.add(middleware: BodyLimitMiddleware())
        registerRoutes(on: router, services: services, openAPIDocument: openAPIDocument)
        return router
    }

    /// Every (method, path) Baton serves; the route-coverage test compares these with `openapi.yaml`.
    public static func routes<Store: BatonStore>(
        services: BatonServices<Store>,
        openAPIDocument: ByteBuffer
    ) -> [(method: HTTPRequest.Method, path: String)] {
        let router = Router(context: BatonRequestContext.self)
        registerRoutes(on: router, services: services, openAPIDocument: openAPIDocument)
        return router.routes.map { ($0.method, $0.path.description) }
    }

    private static func registerRoutes<Store: BatonStore>(
        on router: Router<BatonRequestContext>,
        services: BatonServices<Store>,
        openAPIDocument: ByteBuffer
    ) {
        OperationsController(isReady: services.isReady, metrics: services.metrics, openAPIDocument: openAPIDocument).register(on: router)
        WellKnownController(tenants: services.tenants, keys: services.keys, publicURL: services.publicURL).register(on: router)
        TokenController(
            tenants: services.tenants,
            passwordLogin: services.passwordLogin,
            refreshTokens: services.refreshTokens,
            clientCredentials: services.clientCredentials
        ).register(on: router)
        OAuthController(tenants: services.tenants, clients: services.clients, sessions: services.sessions).register(on: router)
        SignupController(tenants: services.tenants, signup: services.signup).register(on: router)
        SelfServiceController(tenants: services.tenants, sessions: services.sessions, users: services.users).register(on: router)
        let admin = router.group("/admin/v1").add(middleware: AdminAuthMiddleware(authenticator: services.adminAuthenticator))
        AdminTenantController(adminAccess: services.adminAccess, tenants: services.tenants, publicURL: services.publicURL).register(on: admin)
        AdminKeyController(
            adminAccess: services.adminAccess,
            adminAuthenticator: services.adminAuthenticator,
            keyRotation: services.keyRotation,
            keys: services.keys
        ).register(on: admin)
        AdminClientController(adminAccess: services.adminAccess, clients: services.clients).register(on: admin)
        AdminUserController(adminAccess: services.adminAccess, users: services.users).register(on: admin)
        AdminSessionController(adminAccess: services.adminAccess, sessions: services.sessions, users: services.users).register(on: admin)
        AdminAuditController(adminAccess: services.adminAccess, audit: services.audit).register(on: admin)
    }
}
