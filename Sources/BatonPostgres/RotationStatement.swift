import BatonCore
import Foundation
import PostgresNIO

/// The refresh rotation: a call of `rotate_session_with_lifetimes` (migration 0015, its rule there, in 0013 and 0010), whose one UPDATE on one row found by
/// primary key succeeds only as `RotationRequest.applies(to:)` says, and which commits before it answers. Prepared once per
/// connection, so PostgreSQL neither parses nor plans it again on every refresh.
struct RotationStatement: PostgresPreparedStatement {
    /// The procedure's OUT values: the session after the update, every one NULL when nothing matched.
    typealias Row = (
        UUID?, UUID?, String?, [String]?, [String]?, Date?, Date?, Date?, Int?, Data?, Date?, Date?, String?, String?, String?, String?,
        Int?, Int?, Int?, Int?
    )

    /// Its 20 OUT parameters are passed as NULL, as a CALL requires.
    static let sql = """
        CALL rotate_session_with_lifetimes($1::bytea, $2::timestamptz, $3::timestamptz, $4::uuid, $5::uuid, $6::text, $7::integer, \
        $8::bytea, $9::text[], $10::timestamptz, $11::text\(String(repeating: ", NULL", count: 20)))
        """

    let request: RotationRequest

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 11)
        try bindings.append(request.successorHash)
        bindings.append(request.now)
        bindings.append(request.idleExpiresAt)
        bindings.append(request.tenantID.uuid)
        bindings.append(request.sessionID)
        bindings.append(request.clientID)
        bindings.append(request.presentedGeneration)
        try bindings.append(request.presentedHash)
        bindings.append(request.requiredScope)
        bindings.append(request.liveUntil)
        bindings.append(request.proofThumbprint)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }

    /// The rotated session, or nil when nothing matched (a NULL anywhere a session always has a value).
    static func session(_ row: Row, tenantID: TenantID) -> Session? {
        guard let id = row.0, let user = row.1, let client = row.2, let scope = row.3, let audience = row.4, let created = row.5,
            let absolute = row.6, let idle = row.7, let generation = row.8, let hash = row.9
        else { return nil }
        return PostgresStore.session(
            (
                id, user, client, scope, audience, created, absolute, idle, generation, hash, row.10, row.11, row.12, row.13, row.14, row.15,
                row.16, row.17, row.18, row.19
            ),
            tenantID: tenantID
        )
    }
}
