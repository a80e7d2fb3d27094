import SlipwayGit
import SlipwayTestSupport
import Testing

/// The paths a change touched, which decide whether a pipeline runs.
@Suite struct ChangedPathsTests {
    private func changed(_ repo: TemporaryGitRepository, from: String?, to: String) throws -> [String] {
        try GitRepository.withRepository(at: repo.path) { git in
            try git.changedPaths(from: try from.map { try git.resolve($0) }, to: try git.resolve(to))
        }
    }

    /// A base commit with a few files, used by every test below.
    private func base() throws -> (TemporaryGitRepository, String) {
        let repo = try TemporaryGitRepository()
        try repo.write("README.md", "hello\n")
        try repo.write("Sources/App/main.swift", "print(\"hi\")\n")
        try repo.write("k8s/deploy.yaml", "kind: Deployment\n")
        return (repo, try repo.commit("Base"))
    }

    @Test func addedModifiedAndDeletedFiles() throws {
        let (repo, base) = try base()
        try repo.write("docs/new.md", "new\n")
        let added = try repo.commit("Add docs")
        #expect(try changed(repo, from: base, to: added) == ["docs/new.md"])

        try repo.write("Sources/App/main.swift", "print(\"bye\")\n")
        let modified = try repo.commit("Modify main")
        #expect(try changed(repo, from: added, to: modified) == ["Sources/App/main.swift"])

        try repo.remove("k8s/deploy.yaml")
        let deleted = try repo.commit("Delete deploy")
        #expect(try changed(repo, from: modified, to: deleted) == ["k8s/deploy.yaml"])

        // Across several commits, and in either direction.
        let all = ["Sources/App/main.swift", "docs/new.md", "k8s/deploy.yaml"]
        #expect(try changed(repo, from: base, to: deleted) == all)
        #expect(try changed(repo, from: deleted, to: base) == all)
    }

    @Test func aRenameReportsBothPaths() throws {
        let (repo, base) = try base()
        try repo.move("k8s/deploy.yaml", to: "k8s/apps/deploy.yaml")
        let renamed = try repo.commit("Move deploy")
        // git itself sees a rename here, not a delete and an add.
        #expect(try repo.git("diff", "--name-status", "-M", base, renamed).hasPrefix("R100"))
        #expect(try changed(repo, from: base, to: renamed) == ["k8s/apps/deploy.yaml", "k8s/deploy.yaml"])
    }

    @Test func aModeChangeCounts() throws {
        let (repo, base) = try base()
        try repo.write("README.md", "hello\n", executable: true)
        let chmod = try repo.commit("Make README executable")
        #expect(try changed(repo, from: base, to: chmod) == ["README.md"])
    }

    @Test func noChangeGivesNoPaths() throws {
        let (repo, base) = try base()
        let empty = try repo.commit("Nothing")
        #expect(try changed(repo, from: base, to: empty).isEmpty)
        #expect(try changed(repo, from: base, to: base).isEmpty)
    }

    @Test func withoutABaseEveryFileCounts() throws {
        let (repo, base) = try base()
        let expected = try repo.git("ls-tree", "-r", "--name-only", base).split(separator: "\n").map(String.init)
        #expect(try changed(repo, from: nil, to: base) == expected.sorted())
        #expect(try changed(repo, from: nil, to: base) == ["README.md", "Sources/App/main.swift", "k8s/deploy.yaml"])
    }
}
