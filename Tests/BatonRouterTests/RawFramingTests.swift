import BatonTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import BatonHTTPTestSupport
@testable import BatonServer

/// Bodies and framing a client library would never send, written byte for byte to a live Baton: an oversized
/// chunked body is 413 and broken chunk sizes are 400 (never 500), and each answer closes the connection.
@Suite("Raw HTTP framing")
struct RawFramingTests {
    /// Everything a server answers on one connection, until it closes it (or the test gives up, bounded).
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received = Mutex("")
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let text = String(buffer: unwrapInboundIn(data))
            received.withLock { $0 += text }
        }
    }

    /// Sends `bytes` and returns the answer and whether the server closed the connection within 10 s.
    static func exchange(_ bytes: [UInt8], port: Int) async throws -> (answer: String, closedByServer: Bool) {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) } }
            .connect(host: "127.0.0.1", port: port).get()
        let gaveUp = Mutex(false)
        let giveUp = channel.eventLoop.scheduleTask(in: .seconds(10)) {
            gaveUp.withLock { $0 = true }
            channel.close(promise: nil)
        }
        // The server may close before it has read everything: a failed write is part of the answer.
        try? await channel.writeAndFlush(ByteBuffer(bytes: bytes))
        try? await channel.closeFuture.get()
        giveUp.cancel()
        return (collector.received.withLock { $0 }, !gaveUp.withLock { $0 })
    }

    static let head = "POST /t/demo/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"

    static let cases: [(name: String, body: [UInt8], status: String)] = [
        (
            "1 MB in 100 chunks",
            (0..<100).flatMap { _ in Array("2710\r\n".utf8) + [UInt8](repeating: 0x61, count: 10_000) + Array("\r\n".utf8) }
                + Array("0\r\n\r\n".utf8), "413"
        ),
        ("a chunk size of 24 hex digits", Array("ffffffffffffffffffffffff\r\nabc\r\n0\r\n\r\n".utf8), "400"),
        ("a negative chunk size", Array("-5\r\nabc\r\n0\r\n\r\n".utf8), "400"),
        ("a chunk size that is not hex", Array("zz\r\nabc\r\n0\r\n\r\n".utf8), "400"),
    ]

    @Test("oversized chunked bodies are 413 and broken chunk sizes 400, and the server closes the connection", arguments: 0..<cases.count)
    func framing(_ index: Int) async throws {
        let (name, body, status) = Self.cases[index]
        let application = try await BatonApplication.build(configuration: TestApp.configuration(), logger: RecordingLogHandler.logger(.init()))
        try await application.test(.live) { client in
            let port = try #require(client.port)
            let (answer, closed) = try await Self.exchange(Array(Self.head.utf8) + body, port: port)
            #expect(answer.hasPrefix("HTTP/1.1 \(status) "), "\(name): \(answer.prefix(200))")
            #expect(!answer.contains("server_error"), "\(name)")
            #expect(closed, "\(name): the server kept the connection open")
            // The service is unharmed.
            #expect(try await client.send(.get, "/healthz").status == .ok)
        }
    }
}
