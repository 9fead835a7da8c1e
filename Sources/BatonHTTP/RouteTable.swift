import HTTPTypes
import Hummingbird

/// The registered routes as (method, path pattern): tells which methods a path allows, for 405 answers.
public struct RouteTable: Sendable {
    struct Route: Sendable {
        let method: HTTPRequest.Method
        let components: [Substring]
    }

    let routes: [Route]

    public init(_ routes: [(method: HTTPRequest.Method, path: String)]) {
        self.routes = routes.map { Route(method: $0.method, components: $0.path.split(separator: "/")) }
    }

    /// Methods registered for a path that matches `path` (captures `{x}` match any one segment).
    public func allowedMethods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        let methods = routes.filter { route in
            route.components.count == segments.count
                && zip(route.components, segments).allSatisfy { pattern, segment in pattern.hasPrefix("{") || pattern == segment }
        }.map(\.method)
        return methods.sorted { $0.rawValue < $1.rawValue }.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }
}
