import BatonCore
import Logging
import PostgresNIO

/// Maps driver errors to `BatonError`, logging the cause here because the domain error deliberately does not carry it.
enum PostgresErrorTranslator {
    static let uniqueViolation = "23505"
    static let foreignKeyViolation = "23503"
    /// `statement_timeout` cut the statement short; it was rolled back.
    static let queryCanceled = "57014"
    /// PostgreSQL broke a lock cycle by rolling this transaction back.
    static let deadlockDetected = "40P01"
    /// The server is starting up, shutting down or in recovery, and takes no session now.
    static let cannotConnectNow = "57P03"
    /// The server has no connection slot left.
    static let tooManyConnections = "53300"
    /// A write reached a server that takes none: a demoted primary, or a replica behind a stale route.
    static let readOnlyTransaction = "25006"
    /// SQL-state classes that mean "the database cannot serve now", not "this request is wrong": connection
    /// exceptions, insufficient resources, operator intervention (shutdown, recovery).
    static let unavailableClasses = ["08", "53", "57"]

    /// Whether a connection that threw `error` should not serve another lease: the connection was lost (no server
    /// answer), the server ended the session (a FATAL or PANIC error, which the server follows by closing the
    /// connection, perhaps not yet seen closed), a commit on it could not be confirmed, or its server is read-only.
    /// (`databaseConnectionEnded` needs no case: it comes only once the connection is closed, which every caller
    /// checks first.)
    static func leavesConnectionUnusable(_ error: any Error) -> Bool {
        switch error {
        case let error as PSQLError:
            error.serverInfo == nil || ["FATAL", "PANIC"].contains(error.serverInfo?[.severity]) || isReadOnly(error)
        case let error as BatonError: error == .commitUnconfirmed
        default: false
        }
    }

    /// Whether `error` is a write refused by a read-only server.
    static func isReadOnly(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState] == readOnlyTransaction
    }

    static func translate(_ error: any Error, logger: Logger) -> any Error {
        switch error {
        case let error as BatonError:
            return error
        case let error as PSQLError:
            switch error.serverInfo?[.sqlState] {
            case uniqueViolation?:
                return BatonError.conflict("a record with this identity already exists")
            case foreignKeyViolation?:
                return BatonError.notFound("a record this one refers to does not exist")
            case readOnlyTransaction?:
                logger.warning("the database is read-only (a demoted primary or a replica); the connection is replaced")
                return BatonError.databaseUnavailable
            case queryCanceled?:
                logger.warning("database statement timed out; nothing was changed")
                return BatonError.databaseTimedOut
            case let state? where unavailableClasses.contains(String(state.prefix(2))):
                logger.warning("database unavailable", metadata: ["sql_state": "\(state)"])
                return BatonError.databaseUnavailable
            default:
                break
            }
            if error.serverInfo == nil {
                // No server answer at all: the database is unreachable or the pool gave up.
                logger.warning("database unavailable", metadata: ["psql_code": "\(error.code)"])
                return BatonError.databaseUnavailable
            }
            // PSQLError's description is generic by design; the SQL state and message name the cause, never bind values.
            logger.error(
                "database error",
                metadata: ["sql_state": "\(error.serverInfo?[.sqlState] ?? "-")", "pg_message": "\(error.serverInfo?[.message] ?? "-")"]
            )
            return BatonError.storeFailure
        default:
            logger.error("unexpected store error", metadata: ["error_type": "\(type(of: error))"])
            return BatonError.storeFailure
        }
    }
}
