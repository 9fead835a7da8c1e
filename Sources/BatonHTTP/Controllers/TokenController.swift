import BatonCore
import Hummingbird

/// `POST /t/{tenant}/login` (first-party login) and `POST /t/{tenant}/oauth/token` (refresh_token, client_credentials).
struct TokenController<Store: BatonStore>: Sendable {
    let tenants: TenantService<Store>
    let passwordLogin: PasswordLogin<Store>
    let refreshTokens: RefreshTokenGrant<Store>
    let clientCredentials: ClientCredentialsGrant<Store>

    func register(on router: Router<BatonRequestContext>) {
        router.post("/t/{tenant}/login", use: login)
        router.post("/t/{tenant}/oauth/token", use: token)
    }

    @Sendable func login(_ request: Request, context: BatonRequestContext) async throws -> Response {
        let tenant = try await tenants.tenant(slug: context.parameters.require("tenant"))
        let parameters = try await OAuthParameters.read(request, context: context)
        let credentials = try ClientCredentialsReader.read(request, parameters: parameters)
        context.requestingClient?.record(credentials.clientID)
        let response = try await passwordLogin.grant(
            tenant: tenant,
            credentials: credentials,
            username: parameters.require("username"),
            password: parameters.require("password"),
            scope: parameters["scope"],
            audience: parameters["audience"],
            userAgent: request.headers[.userAgent],
            ipAddress: Self.sourceIP(context),
            dpop: DPoPPresentation(request)
        )
        return TokenResponseBody.response(response)
    }

    @Sendable func token(_ request: Request, context: BatonRequestContext) async throws -> Response {
        let tenant = try await tenants.tenant(slug: context.parameters.require("tenant"))
        let parameters = try await OAuthParameters.read(request, context: context)
        let grantType = try parameters.require("grant_type")
        let credentials = try ClientCredentialsReader.read(request, parameters: parameters)
        context.requestingClient?.record(credentials.clientID)
        let response: TokenResponse
        switch grantType {
        case "refresh_token":
            response = try await refreshTokens.grant(
                tenant: tenant,
                credentials: credentials,
                refreshToken: parameters.require("refresh_token"),
                scope: parameters["scope"],
                ipAddress: Self.sourceIP(context),
                dpop: DPoPPresentation(request)
            )
        case "client_credentials":
            response = try await clientCredentials.grant(
                tenant: tenant,
                credentials: credentials,
                scope: parameters["scope"],
                audience: parameters["audience"],
                dpop: DPoPPresentation(request)
            )
        default:
            throw OAuthError(.unsupportedGrantType, "grant_type must be refresh_token or client_credentials")
        }
        return TokenResponseBody.response(response)
    }

    static func sourceIP(_ context: BatonRequestContext) -> String? {
        context.remoteAddress?.ipAddress
    }
}
