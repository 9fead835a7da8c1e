import BatonCore
import Foundation

/// A rotation's session primary key, ordered as PostgreSQL orders `(tenant_id, session_id)` uuids (bytewise), so
/// a batch sorted by it takes its row locks in the same order as every other batch.
struct RotationKey: Comparable {
    let tenant: UUID
    let session: UUID

    init(_ request: RotationRequest) {
        tenant = request.tenantID.uuid
        session = request.sessionID
    }

    static func < (lhs: RotationKey, rhs: RotationKey) -> Bool {
        let left = (lhs.tenant.uuidString, lhs.session.uuidString)
        let right = (rhs.tenant.uuidString, rhs.session.uuidString)
        return left < right
    }
}
