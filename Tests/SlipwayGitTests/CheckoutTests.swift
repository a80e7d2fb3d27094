import Foundation
import SlipwayGit
import SlipwayTestSupport
import Testing

/// Writing a commit's files into a separate workspace directory.
@Suite struct CheckoutTests {
    /// An older commit with a few files (one executable, one link) and a newer
    /// one that changes, adds and deletes files.
    private func history() throws -> (repo: TemporaryGitRepository, old: String, new: String) {
        let repo = try TemporaryGitRepository()
        try repo.write("Package.swift", "// old\n")
        try repo.write("Sources/App/main.swift", "print(1)\n")
        try repo.write("scripts/build.sh", "#!/bin/sh\necho build\n", executable: true)
        try repo.write("gone.txt", "deleted later\n")
        try repo.symlink("scripts/current", to: "build.sh")
        let old = try repo.commit("Old")
        try repo.write("Package.swift", "// new\n")
        try repo.write("later/added.txt", "added later\n")
        try repo.remove("gone.txt")
        let new = try repo.commit("New")
        return (repo, old, new)
    }

    private func expectWorkspace(_ workspace: TemporaryDirectory, matches sha: String, of repo: TemporaryGitRepository) throws {
        let expected = try repo.git("ls-tree", "-r", "--name-only", sha).split(separator: "\n").map(String.init)
        #expect(try workspace.files() == expected.sorted())
        for path in expected where path != "scripts/current" {
            let contents = try Data(contentsOf: URL(fileURLWithPath: workspace.path(path)))
            #expect(String(decoding: contents, as: UTF8.self) == (try repo.git("show", "\(sha):\(path)")) + "\n",
                    "contents of \(path)")
        }
    }

    @Test func writesExactlyTheFilesOfTheCommit() throws {
        let (repo, old, _) = try history()
        let workspace = try TemporaryDirectory()
        try GitRepository.withRepository(at: repo.path) { git in
            try git.checkout(try git.resolve(old), into: workspace.path)
        }
        try expectWorkspace(workspace, matches: old, of: repo)
        #expect(!FileManager.default.fileExists(atPath: workspace.path("later/added.txt")))
        #expect(try String(contentsOfFile: workspace.path("Package.swift"), encoding: .utf8) == "// old\n")
        #expect(try String(contentsOfFile: workspace.path("gone.txt"), encoding: .utf8) == "deleted later\n")

        let mode = try FileManager.default.attributesOfItem(atPath: workspace.path("scripts/build.sh"))[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o111 != 0 } == true)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: workspace.path("scripts/current")) == "build.sh")

        // The repository's own work tree, index and HEAD are untouched.
        #expect(try repo.git("status", "--porcelain").isEmpty)
        #expect(try String(contentsOfFile: repo.path + "/Package.swift", encoding: .utf8) == "// new\n")
    }

    @Test func createsMissingDirectoriesAndWorksFromABareRepository() throws {
        let (repo, _, new) = try history()
        let scratch = try TemporaryDirectory()
        let mirror = scratch.path("mirror.git")
        try GitRepository.clone(from: repo.path, to: mirror)
        let workspace = scratch.path(".slipway/work/run-1")
        try GitRepository.withRepository(at: mirror) { git in
            #expect(git.isBare)
            try git.checkout(try git.resolve("main"), into: workspace)
        }
        let expected = try repo.git("ls-tree", "-r", "--name-only", new).split(separator: "\n").map(String.init)
        #expect(try scratch.files(under: ".slipway/work/run-1") == expected.sorted())
        #expect(try String(contentsOfFile: workspace + "/Package.swift", encoding: .utf8) == "// new\n")
        // A bare repository gains no index from a checkout.
        #expect(!FileManager.default.fileExists(atPath: mirror + "/index"))
    }

    @Test func twoCommitsIntoTwoWorkspaces() throws {
        let (repo, old, new) = try history()
        let first = try TemporaryDirectory(), second = try TemporaryDirectory()
        try GitRepository.withRepository(at: repo.path) { git in
            try git.checkout(try git.resolve(new), into: second.path)
            try git.checkout(try git.resolve(old), into: first.path)
        }
        try expectWorkspace(first, matches: old, of: repo)
        try expectWorkspace(second, matches: new, of: repo)
    }

    @Test func refusesADirectoryThatIsNotEmpty() throws {
        let (repo, old, _) = try history()
        let workspace = try TemporaryDirectory()
        try Data("mine\n".utf8).write(to: URL(fileURLWithPath: workspace.path("Package.swift")))
        let error = try #require(throws: GitError.self) {
            try GitRepository.withRepository(at: repo.path) { git in
                try git.checkout(try git.resolve(old), into: workspace.path)
            }
        }
        #expect(error.code == .exists)
        #expect(error.description.contains(workspace.path))
        #expect(error.message.contains("Package.swift"))
        #expect(try String(contentsOfFile: workspace.path("Package.swift"), encoding: .utf8) == "mine\n")
    }

    @Test func refusesTheRepositorysOwnWorkTree() throws {
        let (repo, old, _) = try history()
        let error = try #require(throws: GitError.self) {
            try GitRepository.withRepository(at: repo.path) { git in
                try git.checkout(try git.resolve(old), into: repo.path + "/")
            }
        }
        #expect(error.message.contains("own working tree"))
        #expect(try String(contentsOfFile: repo.path + "/Package.swift", encoding: .utf8) == "// new\n")
    }
}
