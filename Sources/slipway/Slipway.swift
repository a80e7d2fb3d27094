import ArgumentParser

@main
struct Slipway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slipway",
        abstract: "A GitOps release pipeline runner: specs in git, promotions dev → staging → prod, every step in a hash-chained ledger.",
        discussion: """
            Specs are read from pipelines/*.yaml and environments/*.yaml at a git revision, never from the work tree \
            (except `validate --worktree`). The ledger is the PostgreSQL at --database-url or DATABASE_URL; with neither, \
            Slipway starts its own under .slipway/postgres and reuses it.
            """,
        version: "0.1.0",
        subcommands: [
            ValidateCommand.self,
            PlanCommand.self,
            RunCommand.self,
            WatchCommand.self,
            ServeCommand.self,
            StatusCommand.self,
            PromoteCommand.self, AbortCommand.self,
            PendingCommand.self,
            ApproveCommand.self,
            RejectCommand.self,
            TokenCommand.self,
            RollbackCommand.self,
            DownCommand.self,
            HistoryCommand.self,
            ReleaseCommand.self,
            AuditCommand.self,
            DatabaseCommand.self,
        ]
    )
}
