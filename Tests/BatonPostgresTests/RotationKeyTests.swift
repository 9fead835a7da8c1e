import BatonCore
import Foundation
import Testing

@testable import BatonPostgres

/// The order batches lock their rows in: the primary key's, tenant then session, uuid bytes first to last.
@Suite("Rotation key order")
struct RotationKeyTests {
    func request(tenant: UUID, session: UUID) -> RotationRequest {
        RotationRequest(
            tenantID: TenantID(tenant),
            sessionID: session,
            clientID: "app",
            presentedGeneration: 0,
            presentedHash: Data(),
            successorHash: Data(),
            now: Date(),
            idleExpiresAt: Date()
        )
    }

    @Test("keys sort as the uuids' bytes do (their hex text is the oracle), tenant before session")
    func bytewiseOrder() {
        let requests =
            (0..<200).map { _ in request(tenant: UUID(), session: UUID()) }
            + (0..<50).map { _ in request(tenant: UUID(uuidString: "00000000-0000-0000-0000-000000000001")!, session: UUID()) }
        let byKey = requests.sorted { RotationKey($0) < RotationKey($1) }.map { "\($0.tenantID.uuid.uuidString) \($0.sessionID.uuidString)" }
        let byText = requests.map { "\($0.tenantID.uuid.uuidString) \($0.sessionID.uuidString)" }.sorted()
        #expect(byKey == byText)
        #expect(RotationKey(requests[0]) == RotationKey(requests[0]))
    }
}
