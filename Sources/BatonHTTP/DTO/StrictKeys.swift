import BatonCore

/// Rejects JSON members a request type does not define, so a typo ("acess_token_ttl") is an error, not a silent default.
enum StrictKeys {
    static func rejectUnknown<Keys: CodingKey & CaseIterable>(in decoder: any Decoder, allowed: Keys.Type) throws {
        try rejectUnknown(in: decoder, known: Set(Keys.allCases.map(\.stringValue)))
    }

    /// The members of two key sets, for a body that embeds another's members (`ClientSessionPolicyBody`).
    static func rejectUnknown<Keys: CodingKey & CaseIterable, More: CodingKey & CaseIterable>(
        in decoder: any Decoder,
        allowed: Keys.Type,
        _ more: More.Type
    ) throws {
        try rejectUnknown(in: decoder, known: Set(Keys.allCases.map(\.stringValue) + More.allCases.map(\.stringValue)))
    }

    private static func rejectUnknown(in decoder: any Decoder, known: Set<String>) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            let printable = String(String.UnicodeScalarView(unknown.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }).prefix(64))
            throw BatonError.invalidInput("unknown field '\(printable)'")
        }
    }

    private struct AnyKey: CodingKey {
        let stringValue: String
        let intValue: Int? = nil
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
