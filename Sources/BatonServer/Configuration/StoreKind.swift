import ArgumentParser

/// Where Baton keeps its data.
enum StoreKind: String, ExpressibleByArgument, CaseIterable, Sendable {
    case memory
    case postgres
}
