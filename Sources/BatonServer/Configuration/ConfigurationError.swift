/// A setting that is missing or wrong; its message is the one line printed before Baton exits.
struct ConfigurationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
