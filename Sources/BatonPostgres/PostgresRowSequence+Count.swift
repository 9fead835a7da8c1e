import PostgresNIO

extension PostgresRowSequence {
    /// How many rows a statement returned (`RETURNING` of an UPDATE or DELETE: how many it changed), read to the end.
    func count() async throws -> Int {
        var count = 0
        for try await _ in self { count += 1 }
        return count
    }
}
