import NIOCore
import NIOPosix
import Testing

@testable import BatonHTTPTestSupport
@testable import BatonServer

@Suite("Event loops for the PostgreSQL pool")
struct RoundRobinEventLoopGroupTests {
    @Test("connections opened from one event loop are spread over every loop")
    func spreads() async throws {
        let base = MultiThreadedEventLoopGroup(numberOfThreads: 3)
        let group = RoundRobinEventLoopGroup(base)
        let loop = base.next()
        // PostgresNIO opens its pool connections on `any()`, called from an event loop.
        let spread = try await loop.submit { (0..<6).map { _ in ObjectIdentifier(group.any()) } }.get()
        let sticky = try await loop.submit { (0..<6).map { _ in ObjectIdentifier(base.any()) } }.get()
        #expect(Set(spread).count == 3)
        // Why the wrapper exists: the group itself answers with the calling loop every time.
        #expect(Set(sticky) == [ObjectIdentifier(loop)])
        try await base.shutdownGracefully()
    }
}
