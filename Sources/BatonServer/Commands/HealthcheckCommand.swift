import ArgumentParser
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// `baton healthcheck`: exits 0 only if the local instance's `/readyz` answers 200 within the timeout, for a
/// container's health check (a minimal image has no curl). It reads `BATON_HOST` and `BATON_PORT` as `serve` does.
struct HealthcheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck",
        abstract: "Exit 0 if this host's instance is ready (GET /readyz answers 200 in time), else 1."
    )

    @Option(help: ArgumentHelp(Setting.host.help))
    var host: String?

    @Option(help: ArgumentHelp(Setting.port.help))
    var port: String?

    @Option(help: "seconds to wait for the answer (1–60)")
    var timeout = 3

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let (listen, listenPort) = StartupFailure.exitOnError { () throws(ConfigurationError) in
            try ConfigurationResolver.listenAddress(host: host, port: port, environment)
        }
        // Port 0 lets `serve` pick one; there is nothing to ask at it.
        guard listenPort != 0 else { StartupFailure.exit("BATON_PORT must be an integer between 1 and 65535") }
        guard (1...60).contains(timeout) else { StartupFailure.exit("--timeout must be 1 to 60 seconds") }
        let address = ReadinessCheck.localAddress(listeningOn: listen)
        let verdict = await ReadinessCheck.status(host: address, port: listenPort, timeout: .seconds(Int64(timeout)))
        guard verdict == .ready else {
            FileHandle.standardError.write(Data("baton healthcheck: http://\(address):\(listenPort)/readyz \(verdict)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// One `GET /readyz` over plain HTTP/1.1, bounded in time.
enum ReadinessCheck {
    /// What came of the check.
    enum Verdict: Equatable, CustomStringConvertible {
        case ready
        case answered(UInt)
        case noAnswer(String)

        var description: String {
            switch self {
            case .ready: "answered 200"
            case .answered(let status): "answered \(status)"
            case .noAnswer(let reason): "did not answer: \(reason)"
            }
        }
    }

    /// Where to reach an instance listening on `host` from this host: a wildcard address means loopback.
    static func localAddress(listeningOn host: String) -> String {
        switch host {
        case "0.0.0.0", "": "127.0.0.1"
        case "::", "[::]": "::1"
        default: host
        }
    }

    /// The answer to `GET /readyz`, or `noAnswer` once `timeout` has passed: the channel is closed then, which
    /// ends the wait whatever the peer does.
    static func status(host: String, port: Int, timeout: TimeAmount) async -> Verdict {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                    }
                }
            let deadline = channel.channel.eventLoop.scheduleTask(in: timeout) { channel.channel.close(promise: nil) }
            defer { deadline.cancel() }
            return try await channel.executeThenClose { inbound, outbound in
                var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/readyz")
                head.headers.add(name: "Host", value: host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
                head.headers.add(name: "Connection", value: "close")
                try await outbound.write(.head(head))
                try await outbound.write(.end(nil))
                for try await part in inbound {
                    if case .head(let response) = part {
                        return response.status == .ok ? .ready : .answered(response.status.code)
                    }
                }
                return .noAnswer("no answer within \(timeout.nanoseconds / 1_000_000_000) s")
            }
        } catch {
            return .noAnswer("\(error)")
        }
    }
}
