import BatonCore
import BatonTestSupport
import Testing

@testable import BatonPostgres

/// The race every bounded attempt runs: the attempt's value, or the fallback at the timeout or on cancellation.
@Suite("First answer within a timeout", .hangGuard)
struct FirstAnswerTests {
    @Test("an attempt that answers in time gives its value, and its timer sleeps no longer")
    func answersInTime() async throws {
        let clock = TestClock()
        let value = await FirstAnswer.within(.seconds(5), on: clock.erased, otherwise: 0) { 42 }
        #expect(value == 42)
        try await waitUntil("the timer stops sleeping") { clock.sleeperCount == 0 }
        #expect(clock.now.offset == .zero)
    }

    @Test("an attempt that never answers gives the fallback once the timeout has passed on the clock, and is cancelled")
    func timesOut() async throws {
        let clock = TestClock()
        let cancelled = OnceFlag()
        let never = OnceFlag()
        let answer = Task {
            await FirstAnswer.within(.seconds(5), on: clock.erased, otherwise: -1) {
                do { try await never.wait() } catch { cancelled.set() }
                return 42
            }
        }
        let wakeUp = try #require(await clock.sleeper())
        #expect(wakeUp.offset == .seconds(5))
        clock.advance(by: .milliseconds(4_999))
        #expect(clock.sleeperCount == 1, "gave up before the timeout")
        clock.advance(by: .milliseconds(1))
        #expect(await answer.value == -1)
        try await cancelled.wait()
    }

    @Test("a cancelled caller gets the fallback at once, with no time passing, and no timer is left asleep")
    func callerCancelled() async throws {
        let clock = TestClock()
        let never = OnceFlag()
        let answer = Task {
            await FirstAnswer.within(.seconds(5), on: clock.erased, otherwise: -1) {
                try? await never.wait()
                return 42
            }
        }
        try #require(await clock.sleeper() != nil)
        answer.cancel()
        #expect(await answer.value == -1)
        #expect(clock.now.offset == .zero)
        try await waitUntil("the timer stops sleeping") { clock.sleeperCount == 0 }
    }
}
