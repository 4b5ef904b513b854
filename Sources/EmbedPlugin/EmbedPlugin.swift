import Foundation
import PackagePlugin

/// Turns every file under the package's top-level `Resources/` folder into an assembly file for the
/// `CEmbedded` target, so the `labbox` binary carries its migrations, templates and assets.
@main
struct EmbedPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let root = context.package.directoryURL
        let resources = root.appending(path: "Resources")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.S")
        var inputs = try files(under: resources)
        // The commit id is read from .git; listing these files reruns the generator after a commit.
        for gitFile in [".git/HEAD", ".git/packed-refs"] {
            let url = root.appending(path: gitFile)
            if FileManager.default.fileExists(atPath: url.path) { inputs.append(url) }
        }
        if let ref = try? String(contentsOf: root.appending(path: ".git/HEAD"), encoding: .utf8),
            ref.hasPrefix("ref: ")
        {
            let refURL = root.appending(
                path: ".git/" + ref.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines))
            if FileManager.default.fileExists(atPath: refURL.path) { inputs.append(refURL) }
        }
        return [
            .buildCommand(
                displayName: "Embedding Resources/ into the binary",
                executable: try context.tool(named: "EmbedGenerator").url,
                arguments: [resources.path, root.path, output.path],
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }

    private func files(under directory: URL) throws -> [URL] {
        guard
            let enumerator = FileManager.default.enumerator(
                at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        return enumerator.compactMap { item in
            guard let url = item as? URL,
                (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
            else { return nil }
            return url
        }
    }
}
