import ArgumentParser
import Foundation
import SlipwayCore
import SlipwayEngine
import SlipwayTargets

struct DownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop the local environments: their ModelServe slots and HAProxy. The ledger is kept."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await runReportingFailures {
            let root = global.resolvedStateDirectory + "/local"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            guard !names.isEmpty else {
                print("no local environments under \(root)")
                return
            }
            for name in names.sorted() {
                // Ports do not matter for stopping: processes are found by their pid files.
                let environment = LocalEnvironment(name: name, directory: root + "/" + name, listenPort: 0, statsPort: 0)
                await environment.down()
                print("stopped \(name)")
            }
        }
    }
}
