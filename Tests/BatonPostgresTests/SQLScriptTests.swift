import Testing

@testable import BatonPostgres

@Suite("Splitting migration files into statements")
struct SQLScriptTests {
    @Test("semicolons split; those in quotes, comments and dollar quotes do not")
    func splitting() {
        let sql = """
            -- leading comment; with a semicolon
            CREATE TABLE a (x text DEFAULT 'it''s; fine');
            /* block; comment */ CREATE TABLE "we;ird" (y int);
            CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
            CREATE FUNCTION g() RETURNS int AS $$ SELECT 2; $$ LANGUAGE sql;
            -- trailing comment only
            """
        let statements = SQLScript.statements(in: sql)
        #expect(statements.count == 4)
        #expect(statements[0].hasSuffix("DEFAULT 'it''s; fine')"))
        #expect(statements[1].contains("\"we;ird\""))
        #expect(statements[2].contains("SELECT 1; $body$"))
        #expect(statements[3].contains("SELECT 2; $$"))
    }

    @Test("the shipped migrations split into DDL statements and backfills only")
    func shipped() throws {
        for migration in try Migration.bundled() {
            let statements = SQLScript.statements(in: migration.sql)
            #expect(!statements.isEmpty)
            #expect(
                statements.allSatisfy {
                    $0.contains("CREATE") || $0.contains("ALTER TABLE") || $0.contains("DROP INDEX") || $0.hasPrefix("INSERT INTO")
                }
            )
        }
    }
}
