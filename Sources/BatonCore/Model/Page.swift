/// How many items one page of an admin listing holds: `defaultSize` unless asked, never more than `maximum`.
public struct PageSize: Sendable, Equatable {
    public static let defaultSize = 50
    public static let maximum = 200

    public let value: Int

    /// `requested` (nil: the default), refused outside 1…`maximum`.
    public init(_ requested: Int?) throws(BatonError) {
        let value = requested ?? Self.defaultSize
        guard (1...Self.maximum).contains(value) else { throw BatonError.invalidInput("limit must be between 1 and \(Self.maximum)") }
        self.value = value
    }
}

/// One page of a listing, and the cursor that reads the next one; nil when this page was not full, so there is
/// none (a full last page costs one more, empty, request).
public struct Page<Item: Sendable, Cursor: Sendable>: Sendable {
    public let items: [Item]
    public let next: Cursor?

    public init(_ items: [Item], size: PageSize, cursor: (Item) -> Cursor?) {
        self.items = items
        self.next = items.count == size.value ? items.last.flatMap(cursor) : nil
    }
}
