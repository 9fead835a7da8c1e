import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// How long a client may take to send a request's head, and then its body: a connection that trickles either
/// (slowloris) is closed at the deadline, so it can hold neither a connection nor memory for long. The time
/// between requests on a kept-alive connection is the idle timeout's, not these.
public struct RequestReadDeadline: Sendable, Equatable {
    public var head: TimeAmount
    public var body: TimeAmount

    public init(head: TimeAmount, body: TimeAmount) {
        self.head = head
        self.body = body
    }

    /// Hummingbird's HTTP/1.1 channel with these deadlines in its pipeline: `RequestReadDeadline.ByteWatch` first, to see
    /// a request's first bytes, and `RequestReadDeadline.Progress` after the HTTP decoder, to see where it ends.
    public func http1(idleTimeout: TimeAmount?) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            let deadline = self
            return DeadlineHTTP1Channel(
                deadline: deadline,
                base: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idleTimeout))
            )
        }
    }

    /// The phase of one connection's current request, and the timer armed for it. Both handlers of a connection
    /// share one, on its event loop.
    final class Clock {
        enum Phase { case betweenRequests, readingHead, readingBody, answering }

        let deadline: RequestReadDeadline
        var phase = Phase.betweenRequests
        private var timer: Scheduled<Void>?
        /// What a deadline does when it passes (answer and close); set once per connection by `ByteWatch`.
        var expire: (@Sendable () -> Void)?

        init(deadline: RequestReadDeadline) { self.deadline = deadline }

        /// Enters `phase` and arms its deadline, if it has one.
        func enter(_ phase: Phase, on eventLoop: any EventLoop) {
            self.phase = phase
            timer?.cancel()
            timer = nil
            guard let expire else { return }
            switch phase {
            case .readingHead: timer = eventLoop.scheduleTask(in: deadline.head, expire)
            case .readingBody: timer = eventLoop.scheduleTask(in: deadline.body, expire)
            case .betweenRequests, .answering: break
            }
        }

        func stop() {
            timer?.cancel()
            timer = nil
        }
    }

    /// First in the pipeline: a byte arriving between requests starts the head's deadline. At the deadline it
    /// answers 408 if the head is still unread, and closes the connection either way.
    final class ByteWatch: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer

        let clock: Clock

        init(clock: Clock) { self.clock = clock }

        func handlerAdded(context: ChannelHandlerContext) {
            let bound = NIOLoopBound((context, clock), eventLoop: context.eventLoop)
            clock.expire = {
                let (context, clock) = bound.value
                Self.expire(context: context, clock: clock)
            }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if clock.phase == .betweenRequests { clock.enter(.readingHead, on: context.eventLoop) }
            context.fireChannelRead(data)
        }

        func channelInactive(context: ChannelHandlerContext) {
            clock.stop()
            context.fireChannelInactive()
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            clock.stop()
            clock.expire = nil
        }

        static func expire(context: ChannelHandlerContext, clock: Clock) {
            guard context.channel.isActive else { return }
            if clock.phase == .readingHead {
                // Written below the HTTP encoder: no response has started, and none will.
                let answer = "HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
                context.writeAndFlush(NIOAny(ByteBuffer(string: answer)), promise: nil)
            }
            context.close(promise: nil)
        }
    }

    /// After the HTTP decoder: a head read whole starts the body's deadline, the request's end stops it, and the
    /// response's end makes the connection wait for its next request. A response that says `Connection: close`
    /// (a body over the limit, broken framing) closes the connection once written, so what the client still sends
    /// is not read.
    final class Progress: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        typealias InboundOut = HTTPRequestPart
        typealias OutboundIn = HTTPResponsePart
        typealias OutboundOut = HTTPResponsePart

        let clock: Clock

        init(clock: Clock) { self.clock = clock }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head: clock.enter(.readingBody, on: context.eventLoop)
            case .end: clock.enter(.answering, on: context.eventLoop)
            case .body: break
            }
            context.fireChannelRead(data)
        }

        /// Whether the response being written says `Connection: close`.
        private var closesConnection = false

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            switch unwrapOutboundIn(data) {
            case .head(let head):
                closesConnection = head.headerFields[.connection]?.lowercased() == "close"
            case .end where closesConnection:
                clock.stop()
                context.writeAndFlush(data, promise: promise)
                context.close(promise: nil)
                return
            case .end where clock.phase == .answering:
                clock.enter(.betweenRequests, on: context.eventLoop)
            case .body, .end:
                break
            }
            context.write(data, promise: promise)
        }
    }
}

/// `HTTP1Channel` with `RequestReadDeadline`'s two handlers in its pipeline.
struct DeadlineHTTP1Channel: ServerChildChannel {
    let deadline: RequestReadDeadline
    let base: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        let clock = RequestReadDeadline.Clock(deadline: deadline)
        do {
            try channel.pipeline.syncOperations.addHandler(RequestReadDeadline.ByteWatch(clock: clock), position: .first)
            var configuration = base.configuration
            let additional = configuration.additionalChannelHandlers
            // Called once, right below, on this channel's event loop (in `HTTP1Channel.setup`).
            let progress = NIOLoopBound(RequestReadDeadline.Progress(clock: clock), eventLoop: channel.eventLoop)
            configuration.additionalChannelHandlers = { [progress.value] + additional() }
            return HTTP1Channel(responder: base.responder, configuration: configuration).setup(channel: channel, logger: logger)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
