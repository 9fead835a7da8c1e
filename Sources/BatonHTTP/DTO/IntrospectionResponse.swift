import BatonCore
import Foundation

/// RFC 7662 §2.2. An inactive token is exactly `{"active":false}`, whatever the reason.
struct IntrospectionResponse: Encodable {
    let introspection: Introspection?

    init(_ introspection: Introspection?) { self.introspection = introspection }

    enum CodingKeys: String, CodingKey {
        case active, scope, sub, iss, aud, exp, iat, jti, sid, cnf
        case clientID = "client_id"
        case tokenType = "token_type"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        guard let token = introspection else {
            try c.encode(false, forKey: .active)
            return
        }
        try c.encode(true, forKey: .active)
        try c.encode(token.scope, forKey: .scope)
        try c.encode(token.clientID, forKey: .clientID)
        try c.encode(token.subject, forKey: .sub)
        try c.encode(token.issuer, forKey: .iss)
        try c.encode(token.audience, forKey: .aud)
        try c.encode(NumericDate.seconds(token.expiresAt), forKey: .exp)
        try c.encodeIfPresent(token.issuedAt.map(NumericDate.seconds), forKey: .iat)
        try c.encode(token.tokenType.rawValue, forKey: .tokenType)
        try c.encodeIfPresent(token.jwtID, forKey: .jti)
        try c.encodeIfPresent(token.sessionID?.uuidString.lowercased(), forKey: .sid)
        try c.encodeIfPresent(token.dpopJKT.map { ["jkt": $0] }, forKey: .cnf)
    }
}
