import BatonCore
import Testing

@Suite("Browser origins for CORS")
struct BrowserOriginTests {
    @Test(
        "origins are kept in the form browsers send: lower case, without the scheme's default port",
        arguments: [
            ("https://app.example.com", "https://app.example.com"),
            ("HTTPS://App.Example.COM", "https://app.example.com"),
            ("https://app.example.com:443", "https://app.example.com"),
            ("https://app.example.com:8443", "https://app.example.com:8443"),
            ("http://localhost:5173", "http://localhost:5173"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://[::1]:3000", "http://[::1]:3000"),
            ("http://localhost:80", "http://localhost"),
            ("https://xn--bcher-kva.example", "https://xn--bcher-kva.example"),
        ]
    )
    func accepted(raw: String, stored: String) throws {
        #expect(try BrowserOrigin.validate(raw) == stored)
    }

    @Test(
        "wildcards, paths, queries, fragments, user info, other schemes, plain http off loopback and malformed hosts or ports are refused",
        arguments: [
            "*", "https://*.example.com", "null", "", "app.example.com", "https://", "https://app.example.com/",
            "https://app.example.com/path", "https://app.example.com?x=1", "https://app.example.com#f",
            "https://user@app.example.com", "ftp://app.example.com", "http://app.example.com", "http://127.0.0.1.example.com",
            "http://128.0.0.1", "https://app.example.com:0", "https://app.example.com:65536", "https://app.example.com:08",
            "https://app.example.com:", "https://-app.example.com", "https://app..example.com", "https://app_1.example.com",
            "https://bücher.example", "https://app.example.com ", "https://[::1", "https://[zz]", "https://app.example.com:443x",
        ]
    )
    func refused(raw: String) {
        #expect(throws: BatonError.self) { try BrowserOrigin.validate(raw) }
    }

    @Test("a client lists each origin once, at most sixteen")
    func list() throws {
        #expect(
            try BrowserOrigin.validated(["https://a.example", "HTTPS://A.example:443", "https://b.example"]) == [
                "https://a.example", "https://b.example",
            ]
        )
        let seventeen = (1...17).map { "https://a\($0).example" }
        #expect(throws: BatonError.self) { try BrowserOrigin.validated(seventeen) }
        #expect(try BrowserOrigin.validated(Array(seventeen.prefix(16))).count == 16)
    }
}
