import Foundation

/// The internal, immutable identifier of a tenant; leads every primary key in storage.
public struct TenantID: Hashable, Sendable, CustomStringConvertible {
    public let uuid: UUID

    public init(_ uuid: UUID = UUID()) { self.uuid = uuid }

    public var description: String { uuid.uuidString.lowercased() }
}
