import BatonCore
import Logging
import PostgresNIO

/// Maps driver errors to `BatonError`, logging the cause here because the domain error deliberately does not carry it.
enum PostgresErrorTranslator {
    static let uniqueViolation = "23505"
    static let foreignKeyViolation = "23503"

    static func translate(_ error: any Error, logger: Logger) -> any Error {
        switch error {
        case let error as BatonError:
            return error
        case let error as PostgresTransactionError:
            if let inner = error.closureError ?? error.beginError ?? error.commitError { return translate(inner, logger: logger) }
            return BatonError.storeFailure
        case let error as PSQLError:
            switch error.serverInfo?[.sqlState] {
            case uniqueViolation?:
                return BatonError.conflict("a record with this identity already exists")
            case foreignKeyViolation?:
                return BatonError.notFound("a record this one refers to does not exist")
            default:
                break
            }
            if error.serverInfo == nil {
                // No server answer at all: the database is unreachable or the pool gave up.
                logger.warning("database unavailable", metadata: ["psql_code": "\(error.code)"])
                return BatonError.unavailable("the database is unavailable")
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
