import BatonCore

/// The store's answers for a database that cannot serve now (503 `unavailable`), in one place: the deadline, the
/// probe's verdict, the batcher and the error translator give callers the same words for the same cause.
extension BatonError {
    /// No answer within the operation's deadline (or PostgreSQL's statement timeout).
    static let databaseTimedOut = BatonError.unavailable("the database did not answer in time")
    /// `DatabaseProbe` finds the database silent.
    static let databaseSilent = BatonError.unavailable("the database does not answer")
    /// The database refused or lost the connection, or is shutting down.
    static let databaseUnavailable = BatonError.unavailable("the database is unavailable")
    /// The connection closed before its query was answered.
    static let databaseConnectionEnded = BatonError.unavailable("the database ended the connection")

    /// A write's commit barrier failed: it may have committed or not; a retry (within the grace window, for a
    /// rotation) finds out.
    static let commitUnconfirmed = BatonError.unavailable("the database did not confirm the commit; retry")
}
