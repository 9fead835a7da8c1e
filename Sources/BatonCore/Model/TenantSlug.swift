/// The public name of a tenant as it appears in paths (`/t/{slug}`): 2–63 of `a-z 0-9 -`, no leading or trailing `-`.
public struct TenantSlug: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let maxLength = 63
    public let value: String

    /// Validates `raw`; the error names the rule that failed without echoing the input.
    public init(_ raw: String) throws(BatonError) {
        let scalars = raw.unicodeScalars
        guard scalars.count >= 2, scalars.count <= Self.maxLength else {
            throw .invalidInput("tenant id must be 2 to \(Self.maxLength) characters long")
        }
        for scalar in scalars {
            let allowed = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
            guard allowed else { throw .invalidInput("tenant id may contain only lowercase letters a-z, digits and '-'") }
        }
        guard raw.first != "-", raw.last != "-" else {
            throw .invalidInput("tenant id must not start or end with '-'")
        }
        self.value = raw
    }

    public var description: String { value }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}
