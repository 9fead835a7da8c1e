import BatonPostgres
import Foundation
import Testing

@Suite("Migration files")
struct MigrationTests {
    @Test("bundled migrations are numbered from 1 without gaps and carry checksums")
    func bundled() throws {
        let migrations = try Migration.bundled()
        #expect(!migrations.isEmpty)
        #expect(migrations.map(\.version) == Array(1...migrations.count))
        #expect(migrations.allSatisfy { $0.checksum.count == 64 })
    }

    @Test("file names must be NNNN_name.sql", arguments: ["1_init.sql", "0001init.sql", "abcd_init.sql", "0000_zero.sql", "0001_init.txt"])
    func badNames(_ name: String) {
        #expect(throws: MigrationError.badFileName(name)) { try Migration.parse([(name: name, contents: Data("SELECT 1;".utf8))]) }
    }

    @Test("two files with one number are refused")
    func duplicates() {
        let files = [(name: "0001_a.sql", contents: Data()), (name: "0001_b.sql", contents: Data())]
        #expect(throws: MigrationError.duplicateVersion(1)) { try Migration.parse(files) }
    }

    @Test("files are ordered by number, not by name")
    func ordering() throws {
        let files = [(name: "0010_z.sql", contents: Data()), (name: "0002_a.sql", contents: Data())]
        #expect(try Migration.parse(files).map(\.version) == [2, 10])
    }
}
