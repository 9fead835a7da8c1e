/// Writes one JSON object (RFC 8259) of strings, integers and string arrays straight into UTF-8 bytes.
/// The refresh path writes two objects per request (access-token claims, token response); JSONEncoder's
/// reflection was about a tenth of that path's CPU.
public struct JSONObjectWriter: Sendable {
    private var bytes: [UInt8]

    public init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    public mutating func add(_ name: String, _ value: String) {
        member(name)
        string(value)
    }

    public mutating func add(_ name: String, _ value: Int) {
        member(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func add(_ name: String, _ values: [String]) {
        member(name)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A member whose value is an object of string members.
    public mutating func add(_ name: String, object members: [(String, String)]) {
        member(name)
        var inner = JSONObjectWriter(capacity: 64)
        for (key, value) in members { inner.add(key, value) }
        bytes.append(contentsOf: inner.finish())
    }

    /// The finished object.
    public consuming func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    private mutating func member(_ name: String) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Quotes `value` (see `appendEscaped`).
    private mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        Self.appendEscaped(value.utf8, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `text` as the inside of a JSON string, escaping what RFC 8259 §7 requires (quote, backslash,
    /// U+0000–U+001F); the rest stays UTF-8.
    public static func appendEscaped(_ text: some Sequence<UInt8>, to bytes: inout [UInt8]) {
        for byte in text {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(contentsOf: [HexDigit.lowercase[Int(byte >> 4)], HexDigit.lowercase[Int(byte & 0x0F)]])
            default: bytes.append(byte)
            }
        }
    }
}
