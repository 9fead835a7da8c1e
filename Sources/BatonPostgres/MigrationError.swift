/// Why migrations cannot run or the schema cannot be trusted; each message says what to do.
public enum MigrationError: Error, Equatable, CustomStringConvertible {
    case badFileName(String)
    case duplicateVersion(Int)
    case edited(version: Int, name: String)
    case unknownApplied(version: Int)
    case behind(pending: [Int])
    case failed(version: Int, name: String, reason: String)

    public var description: String {
        switch self {
        case .badFileName(let name): "migration file '\(name)' is not named NNNN_name.sql"
        case .duplicateVersion(let version): "two migration files share the number \(version)"
        case .edited(let version, let name):
            "migration \(version) (\(name)) was edited after it was applied; landed migrations must never change — add a new one"
        case .unknownApplied(let version): "the database has migration \(version), which this build does not know; run a newer Baton"
        case .failed(let version, let name, let reason):
            "migration \(version) (\(name)) failed and was rolled back: \(reason)"
        case .behind(let pending):
            "the database schema is behind (pending migrations: \(pending.map(String.init).joined(separator: ", "))); run 'baton migrate' or start with 'baton serve --migrate'"
        }
    }
}
