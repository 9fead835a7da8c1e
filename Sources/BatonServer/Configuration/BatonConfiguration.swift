import BatonCore
import BatonPostgres
import Logging

/// Everything `serve` needs, resolved and validated: environment first, command-line flags over it. Units, ranges
/// and defaults are `Setting`'s.
struct BatonConfiguration: Sendable {
    enum Storage: Sendable {
        case memory
        case postgres(url: String)

        var isMemory: Bool {
            if case .memory = self { return true }
            return false
        }
    }

    var storage: Storage
    var masterKey: MasterKey
    /// Older master keys still accepted for opening (during a change-over, until `baton rewrap` has run).
    var previousMasterKeys: [MasterKey] = []
    /// True when the master key was generated for this run (memory mode): sealed data dies with the process.
    var masterKeyIsEphemeral: Bool
    var adminKey: String?
    var publicURL: String
    var host: String
    var port: Int
    var logLevel: Logger.Level
    var logFormat: LogFormat = .text
    var migrateOnStart: Bool
    /// Memory mode only: the demo user's password, generated per run and printed in the banner.
    var demoPassword: String? = nil
    /// Seconds between passes of the key scheduler (rotation and retirement).
    var keySchedulerInterval: Int = Setting.keySchedulerInterval.defaultNumber
    /// Most PostgreSQL connections this instance opens. Each refresh holds one for a commit (an fsync with
    /// `synchronous_commit=on`), so this bounds refreshes in flight; PostgreSQL's `max_connections` bounds the sum.
    var databasePoolSize: Int = Setting.databasePoolSize.defaultNumber
    /// Nothing holds a pool connection while it needs another (the change listener has its own, scheduled jobs hold
    /// leases, not connections), so one connection serves every kind of work, if slowly.
    static let minimumDatabasePoolSize = 1
    /// Straight to PostgreSQL, or through a transaction-mode pooler (see `DatabasePooling`).
    var databasePooling: DatabasePooling = .direct
    /// Where the change listener connects, unpooled; nil: the database URL (only with direct pooling).
    var databaseListenURL: String?
    /// Milliseconds a database statement may run before PostgreSQL cancels (and rolls back) it; 0 for no limit.
    /// A refresh cut short answers 503 and has spent nothing.
    var databaseStatementTimeout: Int = Setting.databaseStatementTimeout.defaultNumber
    /// Milliseconds a store operation (waiting for a connection, its statements, its commit) may take before its
    /// request is answered 503 whatever the driver does; 0 for no limit. The driver can lose a query on a connection
    /// the server has just closed, and without this its request would never be answered.
    var databaseOperationTimeout: Int = Setting.databaseOperationTimeout.defaultNumber
    /// Seconds between the change listener's reloads of every cache, which cover a notice lost with its connection.
    /// Not a setting: tests lengthen it to show that a change arrived by notice.
    var cacheReloadInterval = 30
    /// Milliseconds `DatabaseProbe`'s `SELECT 1` may take before the database counts as silent and requests fail
    /// fast. Tests not about the probe set it long: on a loaded machine a healthy database can take longer.
    var databaseProbeTimeout: Int = Setting.databaseProbeTimeout.defaultNumber
    /// Seconds start-up (`serve`, `migrate`, `rewrap`) waits for a database that cannot be reached yet (down,
    /// starting, full) before it gives up naming the cause; one that refuses for good (credentials, unknown
    /// database) stops it at once. Long enough for a database started alongside; short enough to fail visibly.
    var databaseStartupWait: Int = Setting.databaseStartupWait.defaultNumber
    /// 0: each refresh rotates its session in a statement of its own. More: rotations go to PostgreSQL in batches,
    /// at most this many at once, each one statement and one commit for the refreshes that arrived meanwhile.
    /// Batches by default: see docs/benchmarks.md.
    var rotationBatches: Int = Setting.rotationBatches.defaultNumber
    /// Store operations allowed to wait for a connection beyond the pool's size; more get 503 at once.
    var databaseQueueLimit: Int = Setting.databaseQueueLimit.defaultNumber
    /// Seconds a client connection may sit idle between requests before it is closed, so idle or abandoned
    /// connections cannot pile up. Longer than common load-balancer idle timeouts (60 s), which must close first.
    var httpIdleTimeout: Int = Setting.httpIdleTimeout.defaultNumber
    /// Seconds a client has, from its request's first byte, to send the whole head; then the connection gets 408
    /// and is closed, so clients trickling headers (slowloris) cannot hold connections.
    var httpHeadTimeout: Int = Setting.httpHeadTimeout.defaultNumber
    /// Seconds a client has, from the end of its request's head, to send the whole body (at most 64 KiB); then the
    /// connection is closed.
    var httpBodyTimeout: Int = Setting.httpBodyTimeout.defaultNumber

    /// Seconds between purge passes (ended sessions, old audit events, stale login counters).
    var purgeInterval: Int = Setting.purgeInterval.defaultNumber
    /// What the purge deletes, and when.
    var retention = RetentionPolicy()

    /// Seconds between the shutdown signal and the server closing its port, while `/readyz` already fails, for
    /// load balancers to stop sending traffic. 0 in memory mode (one process, no balancer) unless set.
    var shutdownDelay: Int = Setting.shutdownDelay.defaultNumber

    var isMemory: Bool { storage.isMemory }
}
