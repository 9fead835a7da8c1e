import BatonCore
import Foundation
import PostgresNIO

/// The refresh rotation as a prepared statement: one UPDATE on one row found by primary key. Concurrent
/// presenters of one token are serialised by the row lock, and only the first still matches generation and hash.
/// Prepared once per connection, so PostgreSQL neither parses nor plans it again on every refresh.
struct RotationStatement: PostgresPreparedStatement {
    typealias Row = PostgresStore.SessionColumns

    static let sql = """
        UPDATE sessions
        SET generation = generation + 1, current_hash = $1, last_rotated_at = $2, idle_expires_at = LEAST($3, absolute_expires_at)
        WHERE tenant_id = $4 AND session_id = $5 AND client_id = $6 AND generation = $7 AND current_hash = $8
            AND revoked_at IS NULL AND idle_expires_at > $2 AND absolute_expires_at > $2
        RETURNING \(PostgresStore.sessionColumnList)
        """

    let request: RotationRequest

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 8)
        try bindings.append(request.successorHash)
        bindings.append(request.now)
        bindings.append(request.idleExpiresAt)
        bindings.append(request.tenantID.uuid)
        bindings.append(request.sessionID)
        bindings.append(request.clientID)
        bindings.append(request.presentedGeneration)
        try bindings.append(request.presentedHash)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}
