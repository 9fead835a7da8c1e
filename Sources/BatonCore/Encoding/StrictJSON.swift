/// A strict reading of JSON text (RFC 8259) before any decoder sees it: the whole text must be one well-formed
/// value, no object may repeat a member (compared after unescaping, so `"a"` and `"\u0061"` are one name), nesting
/// is bounded, and no string holds U+0000, which PostgreSQL cannot store. Decoders keep the last of repeated
/// members, so without this check two parsers of one body or token could disagree on what it says.
public enum StrictJSON {
    /// Deeper nesting than any Baton body or token needs; bounds the recursion.
    public static let maxDepth = 32

    /// Why a text was refused; `member` is the name of the object member concerned, when there is one.
    public enum Problem: Error, Equatable, Sendable {
        case malformed
        case tooDeep
        case duplicateMember(String)
        case nulCharacter(member: String?)

        /// A sentence for an error description (member names are cut to printable characters).
        public var description: String {
            switch self {
            case .malformed: "the body is not valid JSON"
            case .tooDeep: "the JSON is nested more than \(StrictJSON.maxDepth) levels deep"
            case .duplicateMember(let name): "member \(Self.printable(name)) appears more than once"
            case .nulCharacter(let member?): "\(Self.printable(member)) must not contain NUL characters"
            case .nulCharacter(nil): "the JSON must not contain NUL characters"
            }
        }

        /// Printable characters of `name`, at most 64.
        public static func printable(_ name: String) -> String {
            String(String.UnicodeScalarView(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(64)))
        }
    }

    /// Checks `text`; throws the first problem found.
    public static func check(_ text: some Collection<UInt8>) throws(Problem) {
        let bytes = Array(text)
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .malformed }
        var scanner = Scanner(bytes: bytes)
        scanner.skipWhitespace()
        try scanner.value(depth: 0, member: nil)
        scanner.skipWhitespace()
        guard scanner.index == scanner.bytes.count else { throw .malformed }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws(Problem) {
            guard current == byte else { throw .malformed }
            index += 1
        }

        mutating func value(depth: Int, member: String?) throws(Problem) {
            guard depth < StrictJSON.maxDepth else { throw .tooDeep }
            switch current {
            case UInt8(ascii: "{"): try object(depth: depth + 1)
            case UInt8(ascii: "["): try array(depth: depth + 1, member: member)
            case UInt8(ascii: "\""): _ = try string(member: member, decoding: false)
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case .some(let byte) where byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte): try number()
            default: throw .malformed
            }
        }

        mutating func object(depth: Int) throws(Problem) {
            index += 1
            var names: Set<String> = []
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw .malformed }
                let name = try string(member: nil, decoding: true)
                guard names.insert(name).inserted else { throw .duplicateMember(name) }
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                try value(depth: depth, member: name)
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                return
            }
        }

        mutating func array(depth: Int, member: String?) throws(Problem) {
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                try value(depth: depth, member: member)
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect(UInt8(ascii: "]"))
                return
            }
        }

        /// A string; its unescaped text when `decoding` (member names), else "" (values are only checked).
        mutating func string(member: String?, decoding: Bool) throws(Problem) -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            var start = index
            var raw: [UInt8] = []
            while true {
                guard let byte = current else { throw .malformed }
                switch byte {
                case UInt8(ascii: "\""):
                    if decoding { raw.append(contentsOf: bytes[start..<index]) }
                    index += 1
                    guard decoding else { return "" }
                    // Escapes were decoded as they came; the plain runs between them are decoded here (the text was
                    // checked to be UTF-8 as a whole, and a run never splits a character).
                    return String(scalars) + String(decoding: raw, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    if decoding {
                        raw.append(contentsOf: bytes[start..<index])
                        scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                        raw.removeAll()
                    }
                    index += 1
                    let scalar = try escape()
                    if scalar.value == 0 { throw .nulCharacter(member: member) }
                    if decoding { scalars.append(scalar) }
                    start = index
                case 0x00: throw .nulCharacter(member: member)
                case ..<0x20: throw .malformed
                default: index += 1
                }
            }
        }

        /// The character of an escape after its backslash; a surrogate pair is one character, a lone half malformed.
        mutating func escape() throws(Problem) -> Unicode.Scalar {
            guard let byte = current else { throw .malformed }
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{8}"
            case UInt8(ascii: "f"): return "\u{C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let high = try hex4()
                if (0xD800...0xDBFF).contains(high) {
                    guard current == UInt8(ascii: "\\") else { throw .malformed }
                    index += 1
                    guard current == UInt8(ascii: "u") else { throw .malformed }
                    index += 1
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low), let scalar = Unicode.Scalar(0x10000 + (high - 0xD800) << 10 + (low - 0xDC00)) else {
                        throw .malformed
                    }
                    return scalar
                }
                guard let scalar = Unicode.Scalar(high) else { throw .malformed }
                return scalar
            default: throw .malformed
            }
        }

        mutating func hex4() throws(Problem) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = current, let digit = HexDigit.value(byte) else { throw .malformed }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }

        mutating func literal(_ word: StaticString) throws(Problem) {
            let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            guard index + expected.count <= bytes.count, bytes[index..<index + expected.count].elementsEqual(expected) else { throw .malformed }
            index += expected.count
        }

        /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; its magnitude is the decoder's to judge.
        mutating func number() throws(Problem) {
            if current == UInt8(ascii: "-") { index += 1 }
            if current == UInt8(ascii: "0") {
                index += 1
            } else {
                guard digits() > 0 else { throw .malformed }
            }
            if current == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw .malformed }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw .malformed }
            }
        }

        mutating func digits() -> Int {
            let start = index
            while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
            return index - start
        }
    }
}
