import Dispatch
import NIOCore

/// An event-loop group whose `any()` is `next()`: PostgresNIO opens every pool connection on `any()`, which the
/// shared group answers with the calling thread's loop, so all connections (and every request's work after its
/// query) piled onto one event loop and one core. Round robin spreads them over all loops.
final class RoundRobinEventLoopGroup: EventLoopGroup {
    private let base: any EventLoopGroup

    init(_ base: any EventLoopGroup) { self.base = base }

    func next() -> any EventLoop { base.next() }

    func any() -> any EventLoop { base.next() }

    func makeIterator() -> EventLoopIterator { base.makeIterator() }

    /// The shared group belongs to the process; this wrapper never shuts it down.
    func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable ((any Error)?) -> Void) {
        queue.async { callback(nil) }
    }
}
