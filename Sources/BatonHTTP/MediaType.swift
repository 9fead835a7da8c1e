/// Media types of Content-Type headers, compared without parameters, case or surrounding blanks.
enum MediaType {
    /// `type/subtype` of a Content-Type value, lowercased, without parameters or surrounding spaces and tabs.
    static func of(_ contentType: String) -> String {
        let bytes = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        let trimmed = bytes.drop(while: isBlank).reversed().drop(while: isBlank).reversed()
        return String(decoding: trimmed.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
