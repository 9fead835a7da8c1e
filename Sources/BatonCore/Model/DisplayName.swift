/// Validation of short human-readable labels (tenant and client names).
public enum DisplayName {
    public static let maxLength = 200

    /// Returns `raw` if it is 1–200 characters with no control, format (zero-width, bidi) or NUL characters.
    public static func validate(_ raw: String, field: String) throws(BatonError) -> String {
        // Counted in code points, as JSON Schema's maxLength counts them.
        guard !raw.isEmpty, raw.unicodeScalars.count <= maxLength else {
            throw .invalidInput("\(field) must be 1 to \(maxLength) characters long")
        }
        guard raw.unicodeScalars.allSatisfy(isPrintable) else {
            throw .invalidInput("\(field) must not contain control or invisible formatting characters")
        }
        return raw
    }

    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator: false
        default: true
        }
    }
}
