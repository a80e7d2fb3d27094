import ArgumentParser
import Foundation
import Logging
import SlipwayEngine
import SlipwayLedger

/// `--notify URL` (and `$SLIPWAY_NOTIFY_URLS`) for the commands that run pipelines: `run`,
/// `watch` and `serve` tell webhooks when a gate waits and when a promotion ends.
struct NotifyOptions: ParsableArguments {
    @Option(name: .customLong("notify"), help: ArgumentHelp(
        """
        POST a Slack-compatible JSON message to this webhook URL when a gate waits and when a promotion succeeds, \
        fails or is rolled back; repeat for more. Prefer $\(NotifierConfiguration.environmentVariable) \
        (comma-separated URLs): a webhook URL is a secret, and a command line is visible to every user of the machine.
        """,
        valueName: "url"
    ))
    var notify: [String] = []

    func validate() throws {
        _ = try configuration()
    }

    func configuration() throws -> NotifierConfiguration {
        do {
            return try NotifierConfiguration.resolve(flags: notify, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Runs `body` with a notifier sending in the background (a no-op without webhooks), which
    /// reads what a message says about a release from `ledger`; afterwards sends what is left
    /// for up to 10 s. `announce` hears which hosts are notified.
    func withNotifier<T>(
        ledger: Ledger, logger: Logger, announce: (String) -> Void, _ body: (Notifier) async throws -> T
    ) async throws -> T {
        let configuration = try configuration()
        if !configuration.webhooks.isEmpty {
            announce("notifying \(configuration.webhooks.map(\.host).joined(separator: ", ")) of gates waiting and promotions ending")
        }
        return try await Notifier.with(configuration: configuration, logger: logger, release: NotifiedRelease.lookup(in: ledger), body)
    }
}
