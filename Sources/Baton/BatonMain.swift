import BatonServer

/// The `baton` executable's entry point; everything it runs is in `BatonServer`.
@main
enum BatonMain {
    static func main() async { await BatonCommand.runFromCommandLine() }
}
