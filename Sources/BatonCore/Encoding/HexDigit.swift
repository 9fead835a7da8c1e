/// ASCII hexadecimal digits, byte by byte (the token and form parsers on the refresh path avoid Foundation;
/// inlinable so the form decoder in BatonHTTP pays no cross-module call per byte).
public enum HexDigit {
    /// `0`–`9`, `a`–`f`, for writing.
    public static let lowercase = Array("0123456789abcdef".utf8)

    /// The value of a hex digit of either case; nil for any other byte.
    @inlinable public static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: lowercaseValue(byte)
        }
    }

    /// The value of a lowercase hex digit; nil for uppercase ones and any other byte.
    @inlinable public static func lowercaseValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
