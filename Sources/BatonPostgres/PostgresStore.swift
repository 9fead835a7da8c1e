import BatonCore
import Foundation
import Logging
import PostgresNIO

/// The production store: every query goes through `PostgresClient`, is parameterised, and filters by tenant.
public struct PostgresStore: BatonStore {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func checkReachable() async throws {
        try await translatingErrors {
            try await client.query("SELECT 1", logger: logger)
        }
    }

    /// Announces `notice` to every instance; delivered when the surrounding transaction commits.
    static func notify(_ notice: ChangeNotice, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(ChangeNotice.channel), \(notice.payload))", logger: logger)
    }

    /// Runs `body`, turning driver errors into domain errors at this boundary (no `PSQLError` leaves the store).
    @discardableResult
    func translatingErrors<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch {
            throw PostgresErrorTranslator.translate(error, logger: logger)
        }
    }
}
