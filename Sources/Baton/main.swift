import ArgumentParser
import BatonServer

await BatonCommand.main()
