import ArgumentParser
import NIOCore
import NIOPosix

/// The process entry point: runs `BatonCommand` with Swift Concurrency's jobs on NIO's event loops.
@main
enum Entrypoint {
    static func main() async {
        // Request handlers, PostgresNIO and the HTTP server then share the event-loop threads, so an `await` on
        // a query resumes where the reply arrived instead of waking a thread of the default pool: a refresh
        // crossed threads four times before. Nothing Baton runs on these threads blocks: Argon2 runs on NIO's
        // thread pool and RSA key generation on a Dispatch worker.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await BatonCommand.main(nil)
    }
}
