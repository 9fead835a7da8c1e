import BatonCore
import Hummingbird

/// RFC 8414 authorization server metadata for one tenant.
struct ServerMetadata: ResponseEncodable {
    let issuer: String
    let jwksURI: String
    let tokenEndpoint: String
    let revocationEndpoint: String
    let introspectionEndpoint: String
    let grantTypesSupported = ["refresh_token", "client_credentials"]
    let responseTypesSupported: [String] = []
    let tokenEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post", "none"]
    let revocationEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post", "none"]
    let introspectionEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post"]
    /// The algorithms of the keys in this tenant's JWKS, so resource servers can pin an allow-list (RFC 8725 §3.1).
    let accessTokenSigningAlgValuesSupported: [String]
    /// RFC 9449 §5.1: the algorithms Baton accepts in DPoP proofs.
    let dpopSigningAlgValuesSupported = DPoPProof.algorithms

    enum CodingKeys: String, CodingKey {
        case issuer
        case jwksURI = "jwks_uri"
        case tokenEndpoint = "token_endpoint"
        case revocationEndpoint = "revocation_endpoint"
        case introspectionEndpoint = "introspection_endpoint"
        case grantTypesSupported = "grant_types_supported"
        case responseTypesSupported = "response_types_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        case revocationEndpointAuthMethodsSupported = "revocation_endpoint_auth_methods_supported"
        case introspectionEndpointAuthMethodsSupported = "introspection_endpoint_auth_methods_supported"
        case accessTokenSigningAlgValuesSupported = "access_token_signing_alg_values_supported"
        case dpopSigningAlgValuesSupported = "dpop_signing_alg_values_supported"
    }

    init(issuer: String, signingAlgorithms: [String]) {
        self.issuer = issuer
        jwksURI = "\(issuer)/.well-known/jwks.json"
        tokenEndpoint = "\(issuer)/oauth/token"
        revocationEndpoint = "\(issuer)/oauth/revoke"
        introspectionEndpoint = "\(issuer)/oauth/introspect"
        accessTokenSigningAlgValuesSupported = signingAlgorithms
    }
}
