import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import Testing

@testable import BatonHTTP
@testable import BatonHTTPTestSupport

/// The request read deadline on an embedded channel whose clock the test moves: a head or body trickled past its
/// deadline closes the connection, a prompt request is not cut, and the time between requests is not counted.
@Suite("Request read deadline (slowloris)")
struct RequestReadDeadlineTests {
    /// A pipeline as the server builds it: the byte watch first, the HTTP/1.1 codec, then the progress handler.
    static func channel(head: Int64 = 10, body: Int64 = 30) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        let clock = RequestReadDeadline.Clock(deadline: RequestReadDeadline(head: .seconds(head), body: .seconds(body)))
        try channel.pipeline.syncOperations.addHandler(RequestReadDeadline.ByteWatch(clock: clock))
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: false)
        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
        try channel.pipeline.syncOperations.addHandler(RequestReadDeadline.Progress(clock: clock))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        return channel
    }

    static func send(_ text: String, to channel: EmbeddedChannel) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    /// Everything written to the socket so far, as text.
    static func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    @Test("a head trickled a byte at a time is answered 408 and closed at the head deadline, not before", arguments: [1, 7])
    func trickledHead(bytesPerSecond: Int) throws {
        let channel = try Self.channel(head: 10)
        let head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + String(repeating: "a", count: 200)
        var sent = 0
        var seconds = 0
        while channel.isActive, sent < head.utf8.count {
            let chunk = head.utf8.dropFirst(sent).prefix(bytesPerSecond)
            try Self.send(String(decoding: chunk, as: UTF8.self), to: channel)
            sent += chunk.count
            channel.embeddedEventLoop.advanceTime(by: .seconds(1))
            seconds += 1
        }
        #expect(!channel.isActive)
        #expect(seconds == 10, "closed after \(seconds) s")
        #expect(try Self.written(channel).hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
    }

    @Test("a body trickled past the body deadline closes the connection; the head's deadline no longer counts")
    func trickledBody() throws {
        let channel = try Self.channel(head: 10, body: 30)
        try Self.send("POST /t/demo/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n", to: channel)
        guard case .head = try channel.readInbound(as: HTTPRequestPart.self) else {
            Issue.record("no head")
            return
        }
        for _ in 0..<29 {
            try Self.send("a", to: channel)
            channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        }
        #expect(channel.isActive, "29 s into the body, within its 30 s")
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
        #expect(try Self.written(channel) == "", "no answer is invented for a request being read")
    }

    @Test("a prompt request is not cut while it is answered, and a kept-alive connection waits for its next request unhurried")
    func promptRequestsAndIdleTime() throws {
        let channel = try Self.channel(head: 10, body: 30)
        for round in 0..<2 {
            try Self.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", to: channel)
            guard case .head = try channel.readInbound(as: HTTPRequestPart.self), case .end = try channel.readInbound(as: HTTPRequestPart.self) else {
                Issue.record("round \(round): no whole request")
                return
            }
            // Answering may take long (a slow database): the read deadlines are over once the request is read.
            channel.embeddedEventLoop.advanceTime(by: .seconds(120))
            #expect(channel.isActive, "round \(round): answering")
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok, headerFields: [.contentLength: "0"])))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
            #expect(try Self.written(channel).hasPrefix("HTTP/1.1 200 OK"))
            // Between requests only the idle timeout (Hummingbird's, not in this pipeline) may close it.
            channel.embeddedEventLoop.advanceTime(by: .seconds(3_600))
            #expect(channel.isActive, "round \(round): between requests")
        }
        // The next request's first byte starts its head deadline afresh.
        try Self.send("GET /healthz HTTP/1.1\r\n", to: channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test("a response saying Connection: close (413, broken framing) closes the connection once written; others keep it open")
    func closingResponses() throws {
        let channel = try Self.channel()
        try Self.send("POST /t/demo/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", to: channel)
        guard case .head = try channel.readInbound(as: HTTPRequestPart.self) else {
            Issue.record("no head")
            return
        }
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok, headerFields: [.contentLength: "0"])))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(channel.isActive)
        try channel.writeOutbound(
            HTTPResponsePart.head(HTTPResponse(status: .contentTooLarge, headerFields: [.connection: "close", .contentLength: "0"]))
        )
        #expect(channel.isActive, "not before the answer is written whole")
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(!channel.isActive)
        #expect(try Self.written(channel).contains("HTTP/1.1 413"))
    }
}
