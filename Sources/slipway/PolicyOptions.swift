import ArgumentParser
import Foundation

/// Where the commands that run pipelines (`run`, `watch`, `serve`) read environments from.
struct PolicyOptions: ParsableArguments {
    @Option(name: .customLong("policy-ref"), help: ArgumentHelp(
        """
        Read environments/ (targets, approvals, freeze windows) from this ref — a protected branch such as \
        refs/heads/policy — instead of the commit being promoted, which then cannot write its own rules at all. \
        [env: SLIPWAY_POLICY_REF]
        """,
        valueName: "ref"
    ))
    var policyRef: String?

    var resolved: String? {
        policyRef ?? ProcessInfo.processInfo.environment["SLIPWAY_POLICY_REF"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
