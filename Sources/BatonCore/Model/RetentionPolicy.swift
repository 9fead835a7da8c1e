/// How long data whose use is over is kept before the purge deletes it.
public struct RetentionPolicy: Sendable, Equatable {
    /// Seconds an ended session (revoked, or past its idle or absolute expiry) is kept, for investigation; it can
    /// never be refreshed or introspect as active again, so deleting it changes no answer.
    public var endedSessions: Int
    /// Seconds an audit event is kept.
    public var auditEvents: Int
    /// Rows one statement looks at or deletes: short transactions, so refreshes never wait long on a purge.
    public var batchSize: Int

    public static let day = 86_400

    public init(endedSessions: Int = 7 * Self.day, auditEvents: Int = 365 * Self.day, batchSize: Int = 1_000) {
        self.endedSessions = endedSessions
        self.auditEvents = auditEvents
        self.batchSize = batchSize
    }
}
