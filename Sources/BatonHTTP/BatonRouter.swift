import BatonCore
import Hummingbird
import Logging

/// Builds Baton's router: middleware in order (request id, security headers, metrics, errors, request target, body limit), then every controller.
public enum BatonRouter {
    public static func build<Store: BatonStore>(services: BatonServices<Store>, openAPIDocument: ByteBuffer) -> Router<BatonRequestContext> {
        let routeTable = RouteTable(routes(services: services, openAPIDocument: openAPIDocument))
        let router = Router(context: BatonRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: RequestMetricsMiddleware(metrics: services.metrics))
        router.add(middleware: LogRequestsMiddleware(.debug))
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
        OperationsController(services: services, openAPIDocument: openAPIDocument).register(on: router)
        WellKnownController(services: services).register(on: router)
        TokenController(services: services).register(on: router)
        OAuthController(services: services).register(on: router)
        SignupController(services: services).register(on: router)
        SelfServiceController(services: services).register(on: router)
        let admin = router.group("/admin/v1").add(middleware: AdminAuthMiddleware(authenticator: services.adminAuthenticator))
        AdminTenantController(services: services).register(on: admin)
        AdminKeyController(services: services).register(on: admin)
        AdminClientController(services: services).register(on: admin)
        AdminUserController(services: services).register(on: admin)
        AdminSessionController(services: services).register(on: admin)
        AdminAuditController(services: services).register(on: admin)
    }
}
