import ArgumentParser
import Foundation
import ModelServe

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke API keys. The keys file holds only SHA-256 hashes (mode 0600).",
        subcommands: [Add.self, List.self, Revoke.self]
    )

    struct FileOption: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("The keys file (created when missing).", valueName: "path"))
        var file: String
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and print it once; only its hash is stored."
        )

        @Argument(help: "A name for the key, e.g. the team or client using it.")
        var name: String

        @OptionGroup var options: FileOption

        @Option(name: .long, parsing: .upToNextOption, help: "Routes the key may call (generate, chat, embeddings), or * for all.")
        var scopes: [String] = [APIKey.allRoutes]

        func run() throws {
            try reportingFailures {
                let created = try APIKeyStore(path: options.file).create(name: name, scopes: scopes)
                print(created.plaintextKey)
                printNote("created key \(created.entry.id) (\(created.entry.name)); it is shown only this once and stored as a SHA-256 hash in \(options.file)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys: id, name, scopes, created, revoked. Never the keys.")

        @OptionGroup var options: FileOption

        func run() throws {
            try reportingFailures {
                let keys = try APIKeyStore(path: options.file).list()
                guard !keys.isEmpty else {
                    print("no keys in \(options.file)")
                    return
                }
                let formatter = ISO8601DateFormatter()
                let rows = [["ID", "NAME", "SCOPES", "CREATED", "REVOKED"]] + keys.map { key in
                    [key.id, key.name, key.scopes.joined(separator: ","), formatter.string(from: key.createdAt),
                     key.revokedAt.map(formatter.string(from:)) ?? "-"]
                }
                let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
                for row in rows {
                    print(row.enumerated().map { column, cell in
                        column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    }.joined(separator: "  "))
                }
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id; requests with it get 401 from then on.")

        @Argument(help: "The key's id, as `keys list` shows it.")
        var id: String

        @OptionGroup var options: FileOption

        func run() throws {
            try reportingFailures {
                let key = try APIKeyStore(path: options.file).revoke(id: id)
                print("revoked \(key.id) (\(key.name))")
            }
        }
    }
}

