import Foundation

/// The JWT NumericDate values Baton accepts (RFC 7519 §2), and the one conversion of a `Date` to whole seconds.
/// A token whose time claims fall outside `range` is inactive; converting never traps, whatever the `Date`.
public enum NumericDate {
    /// 1970-01-01T00:00:00Z through 9999-12-31T23:59:59Z: every time Baton issues, and nothing a `Double`→`Int`
    /// conversion could trap on.
    public static let range: ClosedRange<TimeInterval> = 0...253_402_300_799

    /// Whether `date` is within `range` (NaN is not).
    public static func isSane(_ date: Date) -> Bool { range.contains(date.timeIntervalSince1970) }

    /// Whole seconds since the epoch, rounded down and clamped to `range` (NaN as 0).
    public static func seconds(_ date: Date) -> Int {
        let value = date.timeIntervalSince1970
        guard value.isFinite else { return value == .infinity ? Int(range.upperBound) : 0 }
        return Int(min(max(value, range.lowerBound), range.upperBound).rounded(.down))
    }
}
