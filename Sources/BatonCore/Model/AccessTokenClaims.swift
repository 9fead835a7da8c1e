import Foundation
import JWTKit

/// The claims of an RFC 9068 access token.
public struct AccessTokenClaims: JWTPayload, Equatable {
    public var iss: IssuerClaim
    public var sub: SubjectClaim
    public var aud: AudienceClaim
    public var exp: ExpirationClaim
    public var iat: IssuedAtClaim
    public var nbf: NotBeforeClaim
    public var jti: IDClaim
    public var clientID: String
    /// Space-separated, as RFC 9068 §2.2.3 says.
    public var scope: String
    /// The session (token family) this token belongs to; absent for client_credentials tokens.
    public var sid: String?
    /// RFC 9449 §6.1: the DPoP key the token is bound to, by RFC 7638 thumbprint.
    public var cnf: Confirmation?

    /// RFC 7800 confirmation: `jkt` only.
    public struct Confirmation: Codable, Equatable, Sendable {
        public let jkt: String
    }

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, nbf, jti, scope, sid, cnf
        case clientID = "client_id"
    }

    public init(
        issuer: String,
        subject: String,
        audience: [String],
        issuedAt: Date,
        lifetime: Int,
        clientID: String,
        scope: [String],
        sessionID: UUID?,
        dpopThumbprint: String? = nil
    ) {
        // Whole seconds: NumericDate claims are integers for every verifier.
        let issuedAt = Date(timeIntervalSince1970: issuedAt.timeIntervalSince1970.rounded(.down))
        iss = IssuerClaim(value: issuer)
        sub = SubjectClaim(value: subject)
        aud = AudienceClaim(value: audience)
        iat = IssuedAtClaim(value: issuedAt)
        nbf = NotBeforeClaim(value: issuedAt)
        exp = ExpirationClaim(value: issuedAt.addingTimeInterval(TimeInterval(lifetime)))
        jti = IDClaim(value: UUID().uuidString.lowercased())
        self.clientID = clientID
        self.scope = scope.joined(separator: " ")
        sid = sessionID?.uuidString.lowercased()
        cnf = dpopThumbprint.map(Confirmation.init(jkt:))
    }

    /// `sid` as a session id; nil when absent or not a UUID.
    public var sessionID: UUID? { sid.flatMap(UUID.init(uuidString:)) }

    /// The JWT payload, written directly (same members and forms as the `Encodable` conformance: one audience
    /// is a string, several an array; times are whole seconds).
    public var json: [UInt8] {
        var writer = JSONObjectWriter()
        writer.add("iss", iss.value)
        writer.add("sub", sub.value)
        if aud.value.count == 1, let single = aud.value.first { writer.add("aud", single) } else { writer.add("aud", aud.value) }
        writer.add("exp", NumericDate.seconds(exp.value))
        writer.add("iat", NumericDate.seconds(iat.value))
        writer.add("nbf", NumericDate.seconds(nbf.value))
        writer.add("jti", jti.value)
        writer.add("client_id", clientID)
        writer.add("scope", scope)
        if let sid { writer.add("sid", sid) }
        if let cnf { writer.add("cnf", object: [("jkt", cnf.jkt)]) }
        return writer.finish()
    }

    /// Signature checks are the caller's; claim checks (time, issuer, typ) are done explicitly where tokens are verified.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
