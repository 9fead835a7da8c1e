import BatonCore
import Testing

@Suite("Once flag")
struct OnceFlagTests {
    @Test("wait returns once the flag is set elsewhere, and at once when it already is")
    func waitsForSet() async throws {
        let flag = OnceFlag()
        #expect(!flag.isSet)
        async let waited: Void = flag.wait(polling: .milliseconds(5))
        try await Task.sleep(for: .milliseconds(30))
        flag.set()
        try await waited
        #expect(flag.isSet)
        try await OnceFlag(isSet: true).wait()
    }

    @Test("a cancelled wait throws instead of waiting for ever")
    func cancelled() async {
        let flag = OnceFlag()
        let task = Task { try await flag.wait(polling: .milliseconds(5)) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
