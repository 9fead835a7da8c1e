import BatonCore
import Testing

@testable import BatonPasswords

/// The hashing pool's admission: a flood from one tenant fills at most its share, and the others still get in.
@Suite("Hashing gate fairness")
struct HashingGateTests {
    /// Jobs that hold their place until the test lets them go.
    actor Holds {
        private var waiting: [CheckedContinuation<Void, Never>] = []
        var count: Int { waiting.count }
        func hold() async { await withCheckedContinuation { waiting.append($0) } }
        func releaseAll() {
            for continuation in waiting { continuation.resume() }
            waiting.removeAll()
        }
    }

    /// Waits (bounded) until `count` jobs hold a place.
    static func wait(for count: Int, in holds: Holds) async throws {
        for _ in 0..<10_000 where await holds.count < count { await Task.yield() }
        #expect(await holds.count == count)
    }

    @Test("one tenant holds at most its share; another tenant and tenant-less work are still admitted; places come back")
    func perTenantShare() async throws {
        let gate = HashingGate(capacity: 6, perTenant: 3)
        let holds = Holds()
        let flooder = TenantID()
        let other = TenantID()
        let admitted = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 { group.addTask { try await gate.run(for: flooder) { await holds.hold() } } }
                try await group.waitForAll()
            }
        }
        try await Self.wait(for: 3, in: holds)
        // The flooder's fourth is refused; the other tenant's, and work of no tenant, are not.
        await #expect(throws: BatonError.unavailable("too many logins at once for this tenant; retry shortly")) {
            try await gate.run(for: flooder) {}
        }
        try await gate.run(for: other) {}
        try await gate.run(for: nil) {}
        let others = Task { try await gate.run(for: other) { await holds.hold() } }
        let more = Task { try await gate.run(for: other) { await holds.hold() } }
        let third = Task { try await gate.run(for: other) { await holds.hold() } }
        try await Self.wait(for: 6, in: holds)
        // The whole capacity is held now: anyone is refused.
        await #expect(throws: BatonError.unavailable("too many logins at once; retry shortly")) { try await gate.run(for: TenantID()) {} }
        await holds.releaseAll()
        try await admitted.value
        for task in [others, more, third] { try await task.value }
        #expect(await gate.admitted == 0)
        try await gate.run(for: flooder) {}
    }
}
