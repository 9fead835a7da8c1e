import Testing

@testable import BatonHTTP
@testable import BatonHTTPTestSupport

@Suite("OAuth request bodies")
struct OAuthParametersTests {
    @Test(
        "names and values decode as RFC 6749 / WHATWG form encoding says",
        arguments: [
            ("", ""), ("abc", "abc"), ("a+b", "a b"), ("a%2Bb", "a+b"), ("%25", "%"), ("%7e%7E", "~~"),
            ("caf%C3%A9", "café"), ("brt_0f1e_3_AbC-_x", "brt_0f1e_3_AbC-_x"), ("%26%3D", "&="),
        ]
    )
    func decodes(_ raw: String, _ expected: String) {
        #expect(FormURLDecoding.decode(Array(raw.utf8)) == expected)
    }

    @Test("bad escapes and bytes that are not UTF-8 are refused", arguments: ["%", "%4", "%ZZ", "%G0", "a%2", "%C3", "%FF%FE", "%C3%28"])
    func refuses(_ raw: String) {
        #expect(FormURLDecoding.decode(Array(raw.utf8)) == nil)
    }

    @Test("a form body splits on & and the first =, and refuses duplicates")
    func parsesForm() throws {
        let values = try OAuthParameters.parseForm(Array("grant_type=refresh_token&&scope=a+b&empty=&flag&x=1=2".utf8))
        #expect(values == ["grant_type": "refresh_token", "scope": "a b", "empty": "", "flag": "", "x": "1=2"])
        #expect(throws: (any Error).self) { try OAuthParameters.parseForm(Array("a=1&a=2".utf8)) }
        #expect(throws: (any Error).self) { try OAuthParameters.parseForm(Array("a=%ZZ".utf8)) }
    }

    @Test(
        "the media type is the Content-Type without parameters, blanks or case",
        arguments: [
            ("application/x-www-form-urlencoded", "application/x-www-form-urlencoded"), (" Application/JSON ; charset=utf-8", "application/json"),
            ("\tapplication/json\t", "application/json"), (";", ""), ("", ""), ("text/plain;a=b;c", "text/plain"),
        ]
    )
    func mediaType(_ header: String, _ expected: String) {
        #expect(MediaType.of(header) == expected)
    }
}
