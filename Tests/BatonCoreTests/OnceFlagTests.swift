import BatonCore
import BatonTestSupport
import Testing

@Suite("Once flag", .hangGuard)
struct OnceFlagTests {
    @Test("wait returns once the flag is set elsewhere, and at once when it already is")
    func waitsForSet() async throws {
        let flag = OnceFlag()
        let returned = OnceFlag()
        #expect(!flag.isSet)
        let waiter = Task {
            try await flag.wait()
            returned.set()
        }
        while flag.waitingCount < 1 { await Task.yield() }
        #expect(!returned.isSet)
        flag.set()
        try await waiter.value
        #expect(returned.isSet)
        #expect(flag.waitingCount == 0)
        try await OnceFlag(isSet: true).wait()
    }

    @Test("a cancelled wait throws instead of waiting for ever, whether it was already waiting or not")
    func cancelled() async throws {
        let flag = OnceFlag()
        let early = Task { try await flag.wait() }
        early.cancel()
        await #expect(throws: CancellationError.self) { try await early.value }
        let waiting = Task { try await flag.wait() }
        while flag.waitingCount < 1 { await Task.yield() }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(flag.waitingCount == 0)
    }
}
