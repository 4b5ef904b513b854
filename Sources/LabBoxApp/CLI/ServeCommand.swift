import ArgumentParser
import Foundation
import LabBoxPlatform
import LabBoxValues
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the web server (UI and JSON API) until SIGTERM or Ctrl-C.")

    @OptionGroup var options: DataOptions

    @Option(help: "Address to bind (default 127.0.0.1). Config: server.host.")
    var host: String?

    @Option(help: "Port to listen on (default 8080; 0 picks a free port). Config: server.port.")
    var port: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. Config: log.level.")
    var logLevel: String?

    @Option(help: "Log format: json or text. Config: log.format.")
    var logFormat: String?

    func run() async throws {
        var flags: [String: String] = [:]
        flags["server.host"] = host
        flags["server.port"] = port.map(String.init)
        flags["log.level"] = logLevel
        flags["log.format"] = logFormat
        let config = try options.load(flags: flags)
        LabTime.adopt(config.labTime.zone)
        LogSetup.bootstrap(format: config.logFormat, level: config.logLevel)
        try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
        // Taken before SQLite opens the file, and held until the process ends.
        let lock: DataDirectoryLock
        do {
            lock = try DataDirectoryLock.acquire(config.dataDirectory)
        } catch {
            printError("refusing to start: \(error)")
            throw ExitStatus.databaseRefused
        }
        let database = try options.openDatabase(config)
        let services = try AppServices(config: config, database: database)
        let needsSetup = try await services.identity.users.count() == 0
        try await Server.run(services) { port in
            let shownHost = config.host == "0.0.0.0" ? "127.0.0.1" : config.host
            let scheme = config.tlsMode == .off ? "http" : "https"
            let url = "\(scheme)://\(shownHost):\(port)/"
            var lines = "LabBox \(BuildInfo.version) is ready at \(url)  (data: \(config.dataDirectory))\n"
            if needsSetup {
                lines += "No users yet. Create the first administrator within 30 minutes at:\n"
                lines += "  \(url)setup?token=\(services.setup.issue())\n"
                lines += "  (or from a shell: labbox user create --email you@example.org --role admin)\n"
            } else {
                lines += "Sign in at \(url)login\n"
            }
            FileHandle.standardOutput.write(Data(lines.utf8))
        }
        withExtendedLifetime(lock) {}
    }
}
