import BatonCore
import Logging

/// Everything `serve` needs, resolved and validated: environment first, command-line flags over it.
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
    var migrateOnStart: Bool
    /// Memory mode only: the demo user's password, generated per run and printed in the banner.
    var demoPassword: String? = nil
    /// Seconds between passes of the key scheduler (rotation and retirement).
    var keySchedulerInterval: Int = 60
    /// Most PostgreSQL connections this instance opens. Each refresh holds one for a commit (an fsync with
    /// `synchronous_commit=on`), so this bounds refreshes in flight; PostgreSQL's `max_connections` bounds the sum.
    var databasePoolSize: Int = Self.defaultDatabasePoolSize
    static let defaultDatabasePoolSize = 32
    /// The change listener holds one connection for good and each scheduled job one for its lock while its
    /// queries need another: with fewer than these plus one for requests, an instance could wait on itself for ever.
    static let minimumDatabasePoolSize = 1 + ScheduledJob.allCases.count + 1
    /// Milliseconds a database statement may run before PostgreSQL cancels (and rolls back) it; 0 for no limit.
    /// A refresh cut short answers 503 and has spent nothing.
    var databaseStatementTimeout: Int = Self.defaultDatabaseStatementTimeout
    static let defaultDatabaseStatementTimeout = 5_000
    /// Milliseconds a store operation (waiting for a connection, its statements, its commit) may take before its
    /// request is answered 503 whatever the driver does; 0 for no limit. The driver can lose a query on a connection
    /// the server has just closed, and without this its request would never be answered.
    var databaseOperationTimeout: Int = Self.defaultDatabaseOperationTimeout
    static let defaultDatabaseOperationTimeout = 10_000
    /// Seconds start-up (`serve`, `migrate`, `rewrap`) waits for a database that cannot be reached yet (down,
    /// starting, full) before it gives up naming the cause; one that refuses for good (credentials, unknown
    /// database) stops it at once. Long enough for a database started alongside; short enough to fail visibly.
    var databaseStartupWait: Int = Self.defaultDatabaseStartupWait
    static let defaultDatabaseStartupWait = 30
    /// 0: each refresh rotates its session in a statement of its own. More: rotations go to PostgreSQL in batches,
    /// at most this many at once, each one statement and one commit for the refreshes that arrived meanwhile.
    /// Batches by default: 1.7–2.6 times the refreshes per second of single rotations, about half their p99.
    var rotationBatches: Int = Self.defaultRotationBatches
    static let defaultRotationBatches = 2
    /// Store operations allowed to wait for a connection beyond the pool's size; more get 503 at once.
    var databaseQueueLimit: Int = Self.defaultDatabaseQueueLimit
    static let defaultDatabaseQueueLimit = 256
    /// Seconds a client connection may sit idle between requests before it is closed, so idle or abandoned
    /// connections cannot pile up. Longer than common load-balancer idle timeouts (60 s), which must close first.
    var httpIdleTimeout: Int = Self.defaultHTTPIdleTimeout
    static let defaultHTTPIdleTimeout = 75
    /// Seconds a client has, from its request's first byte, to send the whole head; then the connection gets 408
    /// and is closed, so clients trickling headers (slowloris) cannot hold connections.
    var httpHeadTimeout: Int = Self.defaultHTTPHeadTimeout
    static let defaultHTTPHeadTimeout = 10
    /// Seconds a client has, from the end of its request's head, to send the whole body (at most 64 KiB); then the
    /// connection is closed.
    var httpBodyTimeout: Int = Self.defaultHTTPBodyTimeout
    static let defaultHTTPBodyTimeout = 30

    /// Seconds between purge passes (ended sessions, old audit events, stale login counters).
    var purgeInterval: Int = Self.defaultPurgeInterval
    static let defaultPurgeInterval = 600
    /// What the purge deletes, and when.
    var retention = RetentionPolicy()

    /// Seconds between the shutdown signal and the server closing its port, while `/readyz` already fails, for
    /// load balancers to stop sending traffic. 0 in memory mode (one process, no balancer) unless set.
    var shutdownDelay: Int = Self.defaultShutdownDelay
    static let defaultShutdownDelay = 5

    var isMemory: Bool { storage.isMemory }
}
