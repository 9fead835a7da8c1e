import BatonCore
import Foundation
import Hummingbird

/// `POST /t/{tenant}/signup`: self-registration, when the tenant's `allow_signup` is on.
struct SignupController<Store: BatonStore>: Sendable {
    let tenants: TenantService<Store>
    let signup: SignupService<Store>

    func register(on router: Router<BatonRequestContext>) {
        router.post("/t/{tenant}/signup", use: signup)
    }

    @Sendable func signup(_ request: Request, context: BatonRequestContext) async throws -> EditedResponse<UserResponse> {
        let tenant = try await tenants.tenant(slug: context.parameters.require("tenant"))
        let body = try await JSONRequestBody.decode(CreateUserRequest.self, from: request, context: context)
        let user = try await signup.signup(
            tenant: tenant,
            username: body.username,
            password: body.password,
            sourceIP: TokenController<Store>.sourceIP(context)
        )
        return EditedResponse(status: .created, response: UserResponse(user))
    }
}
