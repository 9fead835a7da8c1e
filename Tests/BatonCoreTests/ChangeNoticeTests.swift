import BatonCore
import Foundation
import Testing

@Suite("Change notices")
struct ChangeNoticeTests {
    static let tenant = TenantID()

    @Test(
        "each notice survives its NOTIFY payload",
        arguments: [
            ChangeNotice.keys(tenant), .tenant(tenant), .client(tenant, "app"), .client(tenant, "a client id with spaces"),
        ]
    )
    func roundTrip(_ notice: ChangeNotice) {
        #expect(ChangeNotice(payload: notice.payload) == notice)
    }

    @Test(
        "payloads that are not Baton's notices are ignored",
        arguments: [
            "", "keys", "keys not-a-uuid", "tenant \(tenant.uuid) extra", "client \(tenant.uuid)", "rotate \(tenant.uuid)", "KEYS \(tenant.uuid)",
        ]
    )
    func malformed(_ payload: String) {
        #expect(ChangeNotice(payload: payload) == nil)
    }
}
