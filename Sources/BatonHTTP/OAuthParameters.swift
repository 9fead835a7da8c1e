import BatonCore
import Foundation
import Hummingbird

/// The parameters of an OAuth request, from a form-encoded body (RFC 6749) or a flat JSON object of strings.
/// Duplicate parameters or JSON members, bad percent-encoding, NUL characters and non-string JSON values are
/// `invalid_request`, before any store call.
struct OAuthParameters {
    let values: [String: String]

    static func read(_ request: Request, context: BatonRequestContext) async throws -> OAuthParameters {
        let mediaType = request.headers[.contentType].map(MediaType.of)
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        switch mediaType {
        case "application/x-www-form-urlencoded": return OAuthParameters(values: try parseForm(body.readableBytesView))
        case "application/json": return OAuthParameters(values: try parseJSON(Data(body.readableBytesView)))
        default: throw APIError.unsupportedMediaType("application/x-www-form-urlencoded or application/json")
        }
    }

    subscript(_ name: String) -> String? { values[name] }

    func require(_ name: String) throws -> String {
        guard let value = values[name], !value.isEmpty else { throw OAuthError(.invalidRequest, "\(name) is required") }
        return value
    }

    static func parseForm(_ body: some Collection<UInt8>) throws -> [String: String] {
        var values: [String: String] = [:]
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = FormURLDecoding.decode(parts[0]) else {
                throw OAuthError(.invalidRequest, "the form body is not valid percent-encoded UTF-8")
            }
            guard let value = FormURLDecoding.decode(parts.count == 2 ? parts[1] : pair[pair.endIndex...]) else {
                throw OAuthError(.invalidRequest, "parameter \(printable(name)) is not valid percent-encoded UTF-8")
            }
            guard values[name] == nil else { throw OAuthError(.invalidRequest, "parameter \(printable(name)) appears more than once") }
            guard !name.utf8.contains(0), !value.utf8.contains(0) else {
                throw OAuthError(.invalidRequest, StrictJSON.Problem.nulCharacter(member: name).description)
            }
            values[name] = value
        }
        return values
    }

    static func parseJSON(_ data: Data) throws -> [String: String] {
        do {
            try StrictJSON.check(data)
        } catch {
            throw OAuthError(.invalidRequest, error.description)
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw OAuthError(.invalidRequest, "the body is not a JSON object")
        }
        var values: [String: String] = [:]
        for (name, value) in object {
            guard let string = value as? String else { throw OAuthError(.invalidRequest, "parameter \(printable(name)) must be a string") }
            values[name] = string
        }
        return values
    }

    static func printable(_ name: String) -> String { StrictJSON.Problem.printable(name) }
}
