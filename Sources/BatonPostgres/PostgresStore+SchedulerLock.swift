import BatonCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// How long a lease lasts should its holder die before giving it back: a pass that outlives it may run beside
    /// the next holder's, so it is far longer than any pass, and a crashed instance delays the job by at most this.
    static let schedulerLeaseDuration: Duration = .seconds(600)

    /// The lease row's name for each job.
    static func schedulerLeaseName(_ job: ScheduledJob) -> String {
        switch job {
        case .keyRotation: "key_rotation"
        case .purge: "purge"
        }
    }

    /// `job`'s lease (migration 0011), taken in a committed statement of its own and given back when `body` ends;
    /// nil at once while another holder's lease is unexpired. No connection is held in between, so the pass's own
    /// queries never wait on the lock's connection, and the lease holds behind a transaction-mode pooler too.
    /// The holder is this store (`schedulerHolder`): a lease it could not give back (the database went away
    /// mid-pass) is its own again at its next pass, instead of stopping the job everywhere until the lease runs out.
    public func withSchedulerLock<Result: Sendable>(_ job: ScheduledJob, _ body: @Sendable () async throws -> Result) async throws -> Result? {
        let name = Self.schedulerLeaseName(job)
        let holder = schedulerHolder
        let seconds = Double(Self.schedulerLeaseDuration.components.seconds)
        let taken = try await committedWrite { [logger] connection in
            try await connection.query(
                """
                INSERT INTO scheduler_leases (job, holder, expires_at)
                VALUES (\(name), \(holder), now() + make_interval(secs => \(seconds)))
                ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE scheduler_leases.expires_at <= now() OR scheduler_leases.holder = excluded.holder
                RETURNING holder
                """,
                logger: logger
            ).count() == 1
        }
        guard taken else { return nil }
        let result: Result
        do {
            result = try await body()
        } catch {
            await giveBack(name, holder: holder)
            throw error
        }
        await giveBack(name, holder: holder)
        return result
    }

    /// Ends this holder's lease; should that fail, the lease runs out by itself.
    private func giveBack(_ name: String, holder: UUID) async {
        do {
            try await committedWrite { [logger] connection in
                try await connection.query("DELETE FROM scheduler_leases WHERE job = \(name) AND holder = \(holder)", logger: logger)
            }
        } catch {
            logger.warning(
                "could not give back a scheduler lease; it expires by itself",
                metadata: ["job": "\(name)", "error_type": "\(type(of: error))"]
            )
        }
    }
}
