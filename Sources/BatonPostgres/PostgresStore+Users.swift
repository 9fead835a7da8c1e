import BatonCore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func createUser(_ user: User) async throws {
        try await committedWrite { connection in
            try await connection.query(
                """
                INSERT INTO users (tenant_id, user_id, username, password_hash, disabled, created_at, updated_at)
                VALUES (\(user.tenantID.uuid), \(user.id), \(user.username), \(user.passwordHash), \(user.disabled), \(user.createdAt), \(user.updatedAt))
                """,
                logger: logger
            )
        }
    }

    public func user(tenantID: TenantID, id: UUID) async throws -> User? {
        try await translatingErrors {
            try await Self.decodeUsers(
                client.query("\(unescaped: Self.userColumns) WHERE tenant_id = \(tenantID.uuid) AND user_id = \(id)", logger: logger),
                tenantID: tenantID
            ).first
        }
    }

    public func user(tenantID: TenantID, username: String) async throws -> User? {
        try await translatingErrors {
            try await Self.decodeUsers(
                client.query("\(unescaped: Self.userColumns) WHERE tenant_id = \(tenantID.uuid) AND username = \(username)", logger: logger),
                tenantID: tenantID
            ).first
        }
    }

    static let userColumns = "SELECT user_id, username, password_hash, disabled, created_at, updated_at FROM users"

    /// The users `rows` of `userColumns` hold, in their order.
    static func decodeUsers(_ rows: PostgresRowSequence, tenantID: TenantID) async throws -> [User] {
        var users: [User] = []
        for try await (id, username, hash, disabled, created, updated) in rows.decode((UUID, String, String, Bool, Date, Date).self) {
            users.append(
                User(
                    tenantID: tenantID,
                    id: id,
                    username: username,
                    passwordHash: hash,
                    disabled: disabled,
                    createdAt: created,
                    updatedAt: updated
                )
            )
        }
        return users
    }
}

extension PostgresStore {
    public func users(tenantID: TenantID, after: String?, limit: Int) async throws -> [User] {
        try await translatingErrors {
            let rows = try await client.query(
                "\(unescaped: Self.userColumns) WHERE tenant_id = \(tenantID.uuid) AND username > \(after ?? "") ORDER BY username LIMIT \(limit)",
                logger: logger
            )
            return try await Self.decodeUsers(rows, tenantID: tenantID)
        }
    }

    public func updateUser(_ user: User) async throws {
        try await committedWrite { connection in
            let rows = try await connection.query(
                """
                UPDATE users SET password_hash = \(user.passwordHash), disabled = \(user.disabled), updated_at = \(user.updatedAt)
                WHERE tenant_id = \(user.tenantID.uuid) AND user_id = \(user.id) RETURNING user_id
                """,
                logger: logger
            )
            guard try await rows.count() > 0 else { throw BatonError.notFound("no such user") }
        }
    }

    public func deleteUser(tenantID: TenantID, id: UUID) async throws -> Bool {
        try await committedWrite { connection in
            let rows = try await connection.query(
                "DELETE FROM users WHERE tenant_id = \(tenantID.uuid) AND user_id = \(id) RETURNING user_id",
                logger: logger
            )
            return try await rows.count() > 0
        }
    }
}
