import BatonCore
import Foundation
import NIOCore
import PostgresNIO

/// Many rotations in one UPDATE: each session row found by primary key and rotated only as
/// `session_rotation_applies` (migrations 0010 and 0013) says, with the idle expiry of `rotated_idle_expiry` (0015): the
/// rule `rotate_session_with_lifetimes` applies to one. A session presented twice in one batch rotates
/// once (PostgreSQL updates a row at most once per statement). Returns each rotated row with its request's
/// 1-based position. The rows are locked first, in the batch's order (`locked`: a sorted `FOR UPDATE`), whatever
/// join order the planner picks for the UPDATE, so batches sorted alike never wait on each other in a cycle.
/// Columns are cast so a migration changing a column's type cannot break this prepared statement.
struct BatchRotationStatement: PostgresPreparedStatement {
    typealias Row = (
        Int, UUID, UUID, String, [String], [String], Date, Date, Date, Int, Data, Date?, Date?, String?, String?, String?, String?,
        Int?, Int?, Int?, Int?
    )

    static let sql = """
        WITH r AS MATERIALIZED (
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::integer[], $5::bytea[], $6::bytea[], $7::timestamptz[], $8::timestamptz[],
                $9::text[], $10::timestamptz[], $11::text[])
                WITH ORDINALITY AS r(tenant_id, session_id, client_id, generation, presented_hash, successor_hash, rotated_at, idle_until,
                    required_scope, live_until, presented_jkt, ordinal)
        ), locked AS MATERIALIZED (
            SELECT r.ordinal FROM r JOIN sessions AS s ON s.tenant_id = r.tenant_id AND s.session_id = r.session_id
            ORDER BY r.ordinal FOR UPDATE OF s
        )
        UPDATE sessions AS s
        SET generation = s.generation + 1, current_hash = r.successor_hash, last_rotated_at = r.rotated_at,
            idle_expires_at = rotated_idle_expiry(s, r.rotated_at, r.idle_until)
        FROM r JOIN locked USING (ordinal)
        WHERE s.tenant_id = r.tenant_id AND s.session_id = r.session_id
            AND session_rotation_applies(s, r.client_id, r.generation, r.presented_hash, string_to_array(r.required_scope, ' '), r.live_until,
                NULLIF(r.presented_jkt, ''))
        RETURNING r.ordinal::integer, s.session_id::uuid, s.user_id::uuid, s.client_id::text, s.scope::text[], s.audience::text[],
            s.created_at::timestamptz, s.absolute_expires_at::timestamptz, s.idle_expires_at::timestamptz, s.generation::integer,
            s.current_hash::bytea, s.last_rotated_at::timestamptz, s.revoked_at::timestamptz, s.revoke_reason::text, s.user_agent::text,
            s.ip_address::text, s.dpop_jkt::text, s.access_token_ttl::integer, s.refresh_idle_ttl::integer, s.refresh_absolute_ttl::integer,
            s.reuse_grace::integer
        """

    let requests: [RotationRequest]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 11)
        bindings.append(requests.map(\.tenantID.uuid))
        bindings.append(requests.map(\.sessionID))
        bindings.append(requests.map(\.clientID))
        bindings.append(requests.map(\.presentedGeneration))
        bindings.append(requests.map { ByteBuffer(bytes: $0.presentedHash) })
        bindings.append(requests.map { ByteBuffer(bytes: $0.successorHash) })
        bindings.append(requests.map(\.now))
        bindings.append(requests.map(\.idleExpiresAt))
        // One array element per request: the scope as one space-separated string (scopes hold no spaces), since
        // unnest would flatten an array of arrays.
        bindings.append(requests.map { $0.requiredScope.joined(separator: " ") })
        bindings.append(requests.map(\.liveUntil))
        // No proof as '' (an array of optionals does not bind): no thumbprint is empty.
        bindings.append(requests.map { $0.proofThumbprint ?? "" })
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }

    /// The row's 1-based position in the batch and the session it rotated.
    static func rotated(_ row: Row, tenantID: TenantID) -> (position: Int, session: Session) {
        let session = PostgresStore.session(
            (
                row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, row.12, row.13, row.14, row.15, row.16, row.17,
                row.18, row.19, row.20
            ),
            tenantID: tenantID
        )
        return (row.0, session)
    }
}
