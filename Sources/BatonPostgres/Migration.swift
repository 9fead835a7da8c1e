import Crypto
import Foundation

/// One numbered SQL file from `sql/`: `NNNN_name.sql`, applied once, never edited after it lands.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
    /// SHA-256 of the file, hex; a landed migration whose file no longer matches stops `migrate` and `serve`.
    public let checksum: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The migrations compiled into the binary from the `sql/` folder, in order.
    public static func bundled() throws -> [Migration] {
        try parse(EmbeddedFiles.files.map { (name: $0.name, contents: Data(base64Encoded: $0.base64) ?? Data()) })
    }

    /// Parses `NNNN_name.sql` files; any other `.sql` name, non-UTF-8 content, or a repeated number is an error.
    public static func parse(_ files: [(name: String, contents: Data)]) throws -> [Migration] {
        var migrations: [Migration] = []
        for (file, contents) in files {
            let stem = file.dropLast(4)
            let parts = stem.split(separator: "_", maxSplits: 1)
            guard file.hasSuffix(".sql"), parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), version > 0,
                let sql = String(data: contents, encoding: .utf8)
            else {
                throw MigrationError.badFileName(file)
            }
            migrations.append(Migration(version: version, name: String(parts[1]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (earlier, later) in zip(migrations, migrations.dropFirst()) where earlier.version == later.version {
            throw MigrationError.duplicateVersion(later.version)
        }
        return migrations
    }
}
