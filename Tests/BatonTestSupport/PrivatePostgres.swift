import Foundation

/// A PostgreSQL cluster of its own for fault tests, which crash and restart it (the shared test server must keep
/// serving every other test). Started and driven by `scripts/lib/common.sh`, like the one `scripts/test` starts.
public struct PrivatePostgres: Sendable {
    public let url: String
    let directory: URL

    /// Starts a cluster, runs `body`, stops the cluster and removes its files whatever happened.
    public static func with<Result: Sendable>(_ body: @Sendable (PrivatePostgres) async throws -> Result) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-fault-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            try await shell("pg_start \"$1\"", directory.path)
            // pg_start records the port in DIR/cluster as PG_PORT=<number>.
            let cluster = try String(contentsOf: directory.appendingPathComponent("cluster"), encoding: .utf8)
            guard let line = cluster.split(separator: "\n").first(where: { $0.hasPrefix("PG_PORT=") }),
                let port = Int(line.dropFirst("PG_PORT=".count))
            else {
                throw Failure(message: "pg_start recorded no port")
            }
            let result = try await body(PrivatePostgres(url: "postgres://baton@127.0.0.1:\(port)/baton_test", directory: directory))
            await stop(directory)
            return result
        } catch {
            await stop(directory)
            throw error
        }
    }

    /// Stops the cluster and removes its files (no `defer`: stopping is awaited).
    private static func stop(_ directory: URL) async {
        _ = try? await shell("pg_stop \"$1\"", directory.path)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Stops the server at once, as a power cut would: no checkpoint, every client cut off.
    public func crash() async throws { try await Self.shell("pg_crash \"$1\"", directory.path) }

    /// Starts it again on the same port; returns once it accepts connections (after crash recovery).
    public func resume() async throws { try await Self.shell("pg_resume \"$1\"", directory.path) }

    /// Runs `sql` with psql (unaligned, tuples only) and returns its output.
    public func psql(_ sql: String) async throws -> String {
        try await Self.shell(
            ". \"$1/cluster\"; pg_as \"$PG_BIN/psql\" -h 127.0.0.1 -p \"$PG_PORT\" -U baton -d baton_test -qAtX -c \"$2\"",
            directory.path,
            sql
        )
    }

    /// Runs `script` in bash with `common.sh` sourced and `arguments` as `$1`, `$2`…; throws on failure. The script first
    /// closes every inherited descriptor above stderr: Foundation's `Process` notices a child's exit when a socket
    /// it passed down closes, and a server started from the script would otherwise hold it open for its lifetime.
    @discardableResult
    static func shell(_ script: String, _ arguments: String...) async throws -> String {
        let closeInherited = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-" 2>/dev/null; done"#
        let (status, output) = try await ChildProcess.run(
            "/bin/bash",
            ["-c", "\(closeInherited); . \"\(commonScript)\"; \(script)", "private-postgres"] + arguments
        )
        guard status == 0 else { throw Failure(message: "\(script) failed with status \(status)") }
        return output
    }

    /// `scripts/lib/common.sh` of this checkout, found from this file's path.
    static var commonScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/lib/common.sh").path
    }

    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}
