import Foundation
import PackagePlugin

/// Embeds files that live at the package root (`sql/*.sql`, `openapi.yaml`) into the target that ships them.
/// SwiftPM resources must sit inside the target folder, and these files belong at the top level, so they are compiled in.
@main
struct EmbedFilesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let root = context.package.directoryURL
        let inputs: [URL]
        switch target.name {
        case "BatonPostgres":
            let sql = root.appending(path: "sql")
            inputs = try FileManager.default.contentsOfDirectory(atPath: sql.path)
                .filter { $0.hasSuffix(".sql") }
                .sorted()
                .map { sql.appending(path: $0) }
        case "BatonHTTP":
            inputs = [root.appending(path: "openapi.yaml")]
        default:
            return []
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) file(s) into \(target.name)",
                executable: try context.tool(named: "EmbedFilesTool").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
