import Testing

extension Trait where Self == TimeLimitTrait {
    /// The time limit of suites that wait on a database, a process or a clock: it names a test that hangs, and only
    /// one that hangs. Swift Testing starts every test at once and they share two cores, so a test's wall time is the
    /// whole suite's (several minutes under a CPU hog, a multiple of its time alone); a limit near that cancels tests
    /// that were only starved, and a cancelled test's clean-up can wait without end. Ten minutes is well above a loaded
    /// run and well below `scripts/test`'s bound on the whole `swift test`.
    public static var hangGuard: Self { .timeLimit(.minutes(10)) }
}
