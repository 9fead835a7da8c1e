import BatonCore
import BatonHTTP
import Foundation
import Hummingbird
import Logging
import Testing

@testable import BatonHTTPTestSupport
@testable import BatonServer

/// `openapi.yaml` is kept true by this test: every route Baton registers is documented, and nothing else is.
@Suite("Route coverage of openapi.yaml")
struct RouteCoverageTests {
    static let openAPIFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("openapi.yaml")

    /// (METHOD, path) pairs under `paths:`, read line by line (the file is hand-written with two-space indentation).
    static func documentedOperations() throws -> Set<String> {
        let lines = try String(contentsOf: openAPIFile, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var operations: Set<String> = []
        var inPaths = false
        var currentPath: String?
        let methods: Set<String> = ["get", "put", "post", "patch", "delete", "head", "options"]
        for line in lines {
            if !line.hasPrefix(" ") && !line.isEmpty { inPaths = line == "paths:" }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":"), let path = currentPath {
                let method = String(line.dropFirst(4).dropLast())
                if methods.contains(method) { operations.insert("\(method.uppercased()) \(path)") }
            }
        }
        return operations
    }

    @Test("every registered route is in openapi.yaml and every documented operation is registered")
    func coverage() async throws {
        let services = try await TestApp.services(isReady: true)
        let registered = Set(BatonRouter.routes(services: services, openAPIDocument: ByteBuffer()).map { "\($0.method.rawValue) \($0.path)" })
        let documented = try Self.documentedOperations()
        #expect(documented.count >= 14)
        #expect(registered.subtracting(documented).isEmpty, "registered but not documented: \(registered.subtracting(documented).sorted())")
        #expect(documented.subtracting(registered).isEmpty, "documented but not registered: \(documented.subtracting(registered).sorted())")
    }
}
