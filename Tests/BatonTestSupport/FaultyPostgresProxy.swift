import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A TCP proxy in front of PostgreSQL (or PgBouncer) that breaks one refresh rotation on purpose, at the round trip
/// and message a `Fault` names, and otherwise forwards every byte. It reads the protocol's message framing only:
/// a rotation is a Bind of a `…RotationStatement` (prepared) or of the unnamed statement parsed from its SQL.
public final class FaultyPostgresProxy: Sendable {
    /// Where a rotation breaks.
    public enum Fault: String, Sendable, CaseIterable, CustomStringConvertible {
        /// The connection is cut as the rotation is sent: the server never sees it.
        case cutBeforeSending
        /// The server runs the rotation to its end, commit included; the client is cut off before any of its answer.
        case cutBeforeAnswer
        /// The client gets the rotation's rows and its CommandComplete, and is cut off before its ReadyForQuery.
        case cutAfterRows
        /// The rotation is answered in full; the connection is cut as the commit barrier after it is sent.
        case cutAtBarrier
        /// The rotation is answered in full; the barrier after it is answered with an error, as from a pooler that
        /// handed it to a server lacking its prepared statement (26000).
        case errorAtBarrier

        public var description: String { rawValue }

        /// Whether the server commits the rotation under this fault.
        public var commits: Bool { self != .cutBeforeSending }

        /// Whether the fault waits for the round trip after the rotation, which only a batch has (its barrier).
        public var needsBarrier: Bool { self == .cutAtBarrier || self == .errorAtBarrier }
    }

    /// The port clients connect to, on 127.0.0.1.
    public let port: Int
    let upstreamHost: String
    let upstreamPort: Int
    private let channel: any Channel
    private let armed = Mutex<Fault?>(nil)
    private let firedFault = Mutex<Fault?>(nil)

    private init(channel: any Channel, upstreamHost: String, upstreamPort: Int) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.upstreamHost = upstreamHost
        self.upstreamPort = upstreamPort
    }

    /// Runs `body` with a proxy in front of `url`'s server and `url` rewritten to go through it; stops the proxy after.
    public static func with<Result: Sendable>(
        upstream url: String,
        _ body: @Sendable (FaultyPostgresProxy, _ proxiedURL: String) async throws -> Result
    ) async throws -> Result {
        guard var components = URLComponents(string: url), let host = components.host else { throw ProxyError.badURL }
        let upstreamPort = components.port ?? 5432
        let proxy = try await start(upstreamHost: host, upstreamPort: upstreamPort)
        components.host = "127.0.0.1"
        components.port = proxy.port
        do {
            let result = try await body(proxy, components.string ?? url)
            try? await proxy.channel.close()
            return result
        } catch {
            try? await proxy.channel.close()
            throw error
        }
    }

    /// The next rotation through the proxy meets `fault`; later ones pass.
    public func arm(_ fault: Fault) {
        firedFault.withLock { $0 = nil }
        armed.withLock { $0 = fault }
    }

    /// The fault that broke a rotation since `arm`, if one did.
    public var fired: Fault? { firedFault.withLock { $0 } }

    /// Takes the armed fault for one connection's rotation (only once in all).
    fileprivate func take() -> Fault? {
        armed.withLock { armed in
            defer { armed = nil }
            return armed
        }
    }

    fileprivate func didFire(_ fault: Fault) { firedFault.withLock { $0 = fault } }

    private static func start(upstreamHost: String, upstreamPort: Int) async throws -> FaultyPostgresProxy {
        let box = Mutex<FaultyPostgresProxy?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { client in
                guard let proxy = box.withLock({ $0 }) else { return client.eventLoop.makeFailedFuture(ProxyError.notReady) }
                let link = Link(proxy: proxy, client: client)
                return client.pipeline.addHandler(ClientSide(link: link)).flatMap {
                    ClientBootstrap(group: client.eventLoop)
                        .channelInitializer { server in server.pipeline.addHandler(ServerSide(link: link)) }
                        .connect(host: proxy.upstreamHost, port: proxy.upstreamPort)
                        .map { server in link.attach(server) }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let proxy = FaultyPostgresProxy(channel: channel, upstreamHost: upstreamHost, upstreamPort: upstreamPort)
        box.withLock { $0 = proxy }
        return proxy
    }

    enum ProxyError: Error {
        case badURL, notReady
    }
}

/// One proxied connection: both channels and where the rotation's fault stands. Touched only on the client
/// channel's event loop, which the upstream channel shares.
private final class Link: @unchecked Sendable {
    enum Phase {
        /// Forwarding; no rotation under a fault yet.
        case passing
        /// The rotation is at the server; its answer is being watched for the fault's moment.
        case rotating(FaultyPostgresProxy.Fault)
        /// The rotation was answered in full; the next round trip (the barrier) meets the fault.
        case awaitingBarrier(FaultyPostgresProxy.Fault)
        /// The barrier's messages are answered with errors, not sent on.
        case refusing
        /// The client is cut off; the server's answers are read and dropped until its ReadyForQuery, so it commits
        /// what it was sent, and then its connection closes too.
        case draining
        /// Both sides closed.
        case done
    }

    let proxy: FaultyPostgresProxy
    let client: any Channel
    var server: (any Channel)?
    var phase = Phase.passing
    /// Client bytes that arrived before the upstream connection was up.
    var pending: [ByteBuffer] = []
    var clientFrames = Frames(startup: true)
    var serverFrames = Frames(startup: false)
    /// The last Parse of the unnamed statement was a rotation's.
    var unnamedIsRotation = false

    init(proxy: FaultyPostgresProxy, client: any Channel) {
        self.proxy = proxy
        self.client = client
    }

    func attach(_ server: any Channel) {
        self.server = server
        for buffer in pending { server.write(buffer, promise: nil) }
        pending = []
        server.flush()
    }

    func sendToServer(_ buffer: ByteBuffer) {
        guard let server else { return pending.append(buffer) }
        server.writeAndFlush(buffer, promise: nil)
    }

    func closeBoth() {
        phase = .done
        client.close(promise: nil)
        server?.close(promise: nil)
    }
}

/// The PostgreSQL protocol's framing: a type byte and a length that counts itself; the client's first message
/// (startup) has no type byte.
private struct Frames {
    var buffer = ByteBuffer()
    var startup: Bool

    init(startup: Bool) { self.startup = startup }

    /// The complete messages received so far: type (0 for the startup message) and the whole message's bytes.
    mutating func append(_ bytes: ByteBuffer) -> [(type: UInt8, bytes: ByteBuffer)] {
        var bytes = bytes
        buffer.writeBuffer(&bytes)
        var messages: [(UInt8, ByteBuffer)] = []
        while true {
            let headerSize = startup ? 4 : 5
            guard buffer.readableBytes >= headerSize else { break }
            let type: UInt8 = startup ? 0 : buffer.getInteger(at: buffer.readerIndex)!
            let length = Int(buffer.getInteger(at: buffer.readerIndex + headerSize - 4, as: Int32.self)!)
            let total = length + headerSize - 4
            guard buffer.readableBytes >= total else { break }
            messages.append((type, buffer.readSlice(length: total)!))
            startup = false
        }
        buffer.discardReadBytes()
        return messages
    }
}

/// Client to server: spots the rotation's Bind and the barrier after it.
private final class ClientSide: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let link: Link

    init(link: Link) { self.link = link }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var forward = ByteBuffer()
        for (type, bytes) in link.clientFrames.append(unwrapInboundIn(data)) {
            let text = String(decoding: bytes.readableBytesView, as: UTF8.self)
            switch link.phase {
            case .passing:
                if type == UInt8(ascii: "P") {
                    // Parse: name (empty for the unnamed statement), then the SQL.
                    let unnamed = bytes.getInteger(at: bytes.readerIndex + 5, as: UInt8.self) == 0
                    if unnamed { link.unnamedIsRotation = text.contains("session_rotation_applies") || text.contains("CALL rotate_session") }
                }
                if type == UInt8(ascii: "B") {
                    // Bind: portal name, then statement name.
                    let isRotation = text.contains("RotationStatement") || (Self.bindsUnnamed(bytes) && link.unnamedIsRotation)
                    if isRotation, let fault = link.proxy.take() {
                        if fault == .cutBeforeSending {
                            link.proxy.didFire(fault)
                            link.closeBoth()
                            return
                        }
                        link.phase = .rotating(fault)
                    }
                }
            case .awaitingBarrier(let fault) where type == UInt8(ascii: "P") || type == UInt8(ascii: "B"):
                // Another statement than the barrier (a lone rotation has none): the fault does not apply.
                guard text.contains("CommitBarrier") || text.contains("SELECT 1::integer") else {
                    link.phase = .passing
                    break
                }
                link.proxy.didFire(fault)
                if fault == .cutAtBarrier {
                    link.closeBoth()
                    return
                }
                // errorAtBarrier: the server never sees this read; the client gets an error and a ReadyForQuery for each Sync.
                link.phase = .refusing
                continue
            case .refusing:
                if type == UInt8(ascii: "S") {
                    context.writeAndFlush(wrapOutboundOut(Self.errorAnswer(allocator: context.channel.allocator)), promise: nil)
                }
                continue
            case .draining, .done:
                return
            default:
                break
            }
            var message = bytes
            forward.writeBuffer(&message)
        }
        if case .refusing = link.phase { link.phase = .passing }
        if forward.readableBytes > 0 { link.sendToServer(forward) }
    }

    typealias OutboundOut = ByteBuffer

    /// Whether a Bind names the unnamed statement: its portal name and statement name are both empty.
    static func bindsUnnamed(_ bytes: ByteBuffer) -> Bool {
        let start = bytes.readerIndex + 5
        return bytes.getInteger(at: start, as: UInt8.self) == 0 && bytes.getInteger(at: start + 1, as: UInt8.self) == 0
    }

    /// ErrorResponse (severity, SQLSTATE 26000, message) and ReadyForQuery (idle).
    static func errorAnswer(allocator: ByteBufferAllocator) -> ByteBuffer {
        var fields = ByteBuffer()
        for (code, value) in [("S", "ERROR"), ("V", "ERROR"), ("C", "26000"), ("M", "prepared statement does not exist")] {
            fields.writeString(code)
            fields.writeString(value)
            fields.writeInteger(UInt8(0))
        }
        fields.writeInteger(UInt8(0))
        var buffer = allocator.buffer(capacity: fields.readableBytes + 11)
        buffer.writeString("E")
        buffer.writeInteger(Int32(fields.readableBytes + 4))
        buffer.writeBuffer(&fields)
        buffer.writeString("Z")
        buffer.writeInteger(Int32(5))
        buffer.writeString("I")
        return buffer
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .draining = link.phase { return }  // the server side closes once it has committed
        link.closeBoth()
    }
}

/// Server to client: forwards, and breaks the rotation's answer where the fault says.
private final class ServerSide: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let link: Link

    init(link: Link) { self.link = link }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var forward = ByteBuffer()
        for (type, bytes) in link.serverFrames.append(unwrapInboundIn(data)) {
            switch link.phase {
            case .rotating(let fault):
                if fault == .cutBeforeAnswer {
                    link.proxy.didFire(fault)
                    cutOffClient(forwarding: &forward)
                    if type == UInt8(ascii: "Z") { return link.closeBoth() }
                    continue
                }
                var message = bytes
                forward.writeBuffer(&message)
                if fault == .cutAfterRows, type == UInt8(ascii: "C") {
                    link.proxy.didFire(fault)
                    cutOffClient(forwarding: &forward)
                    continue
                }
                if type == UInt8(ascii: "Z") { link.phase = .awaitingBarrier(fault) }
            case .draining:
                if type == UInt8(ascii: "Z") { return link.closeBoth() }
            case .done:
                return
            default:
                var message = bytes
                forward.writeBuffer(&message)
            }
        }
        if forward.readableBytes > 0 { link.client.writeAndFlush(forward, promise: nil) }
    }

    /// Sends the client what it may still see, closes it, and drains the server from here on.
    private func cutOffClient(forwarding forward: inout ByteBuffer) {
        if forward.readableBytes > 0 { link.client.writeAndFlush(forward, promise: nil) }
        forward.clear()
        link.client.close(promise: nil)
        link.phase = .draining
    }

    func channelInactive(context: ChannelHandlerContext) {
        link.closeBoth()
    }
}
