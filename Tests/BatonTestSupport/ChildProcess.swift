import Foundation

/// A process started by a test, whose exit is awaited without blocking a thread and whose output goes to files.
///
/// Swift Testing runs tests on the cooperative pool, which has one thread per core (two here). `waitUntilExit()`
/// or reading a pipe to its end holds one of them for as long as the child runs, and two such waits stall every
/// other test. Files instead of pipes also mean a chatty child can never block on a full pipe.
public struct ChildProcess: Sendable {
    public let process: Process
    let directory: URL
    let exit: Task<Void, Never>

    /// Starts `executable` with `arguments`, and with exactly `environment` (plus a minimal `PATH` when it has none)
    /// or, when nil, this process's environment.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-child-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let output = directory.appendingPathComponent("stdout")
        let error = directory.appendingPathComponent("stderr")
        guard FileManager.default.createFile(atPath: output.path, contents: nil), FileManager.default.createFile(atPath: error.path, contents: nil)
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: directory.path])
        }

        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment?.merging(["PATH": "/usr/bin:/bin"]) { mine, _ in mine }
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: error)
        let (exited, continuation) = AsyncStream<Never>.makeStream()
        // Set before run(): a handler set afterwards can miss an exit that already happened.
        process.terminationHandler = { _ in continuation.finish() }
        exit = Task { for await _ in exited {} }
        try process.run()
    }

    /// Waits for the process to exit and returns its status.
    @discardableResult
    public func exited() async -> Int32 {
        await exit.value
        return process.terminationStatus
    }

    /// Waits up to `limit` for the process to exit; false when it is still running then.
    public func exited(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return !process.isRunning
    }

    /// Everything the process wrote to its standard output so far.
    public var standardOutput: String { read("stdout") }

    /// Everything the process wrote to its standard error so far.
    public var standardError: String { read("stderr") }

    /// Runs a command to its end; its status and standard output.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil
    ) async throws -> (status: Int32, output: String) {
        let child = try ChildProcess(executable, arguments, environment: environment)
        defer { child.stop() }
        let status = await child.exited()
        return (status, child.standardOutput)
    }

    /// Interrupts the process if it still runs (a test that failed early) and removes its output files.
    public func stop() {
        if process.isRunning { process.interrupt() }
        try? FileManager.default.removeItem(at: directory)
    }

    private func read(_ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }
}
