import Foundation
import SlipwayGit
import SlipwayTestSupport
import Testing

/// Resolving revisions, reading commits and history, opening repositories:
/// each checked against what the `git` CLI says about the same repository.
@Suite struct RevisionTests {
    /// Two commits on main, a tag on the first, a feature branch.
    private func history() throws -> (repo: TemporaryGitRepository, first: String, second: String) {
        let repo = try TemporaryGitRepository()
        try repo.write("README.md", "one\n")
        let first = try repo.commit("First commit")
        try repo.git("tag", "v1-light", first)
        try repo.git("tag", "-a", "v1", "-m", "Release 1", first)
        try repo.write("README.md", "two\n")
        let second = try repo.commit("Second commit")
        try repo.git("branch", "feature", first)
        return (repo, first, second)
    }

    @Test func resolvesBranchesShasTagsAndAncestry() throws {
        let (repo, first, second) = try history()
        try GitRepository.withRepository(at: repo.path) { git throws in
            #expect(try git.resolve("main").sha == second)
            #expect(try git.resolve("HEAD").sha == second)
            #expect(try git.resolve("refs/heads/main").sha == second)
            #expect(try git.resolve("feature").sha == first)
            #expect(try git.resolve(second).sha == second)
            #expect(try git.resolve(String(first.prefix(7))).sha == first)
            #expect(try git.resolve(first.uppercased()).sha == first)
            #expect(try git.resolve("HEAD~1").sha == first)
            #expect(try git.resolve("main^").sha == first)
            // An annotated tag is a tag object; it must be peeled to its commit.
            #expect(try git.resolve("v1").sha == first)
            #expect(try git.resolve("v1").sha != repo.git("rev-parse", "v1"))
            #expect(try git.resolve("v1-light").sha == first)
        }
    }

    @Test func resolvedIDsHaveFullAndShortForms() throws {
        let (repo, _, second) = try history()
        let id = try GitRepository.withRepository(at: repo.path) { try $0.resolve("main") }
        #expect(id.sha.count == 40)
        #expect(id.short == String(second.prefix(12)))
        #expect(id == GitObjectID(sha: second.uppercased()))
        #expect(GitObjectID(sha: "abc") == nil)
        #expect(GitObjectID(sha: String(repeating: "g", count: 40)) == nil)
    }

    @Test func unknownRevisionNamesTheRevisionAndLibgit2sReason() throws {
        let (repo, _, _) = try history()
        let error = try #require(throws: GitError.self) {
            try GitRepository.withRepository(at: repo.path) { try $0.resolve("nope") }
        }
        #expect(error.isNotFound)
        #expect(error.message.contains("nope"))
        #expect(error.message.contains("not found"))
        #expect(error.operation == "resolve revision 'nope' in \(repo.path)")
        #expect(error.description == "cannot resolve revision 'nope' in \(repo.path): \(error.message)")
        #expect(!error.isRetryable)
    }

    @Test func revisionNamingATreeIsNotACommit() throws {
        let (repo, _, _) = try history()
        let error = try #require(throws: GitError.self) {
            try GitRepository.withRepository(at: repo.path) { try $0.resolve("main^{tree}") }
        }
        #expect(error.description.contains("main^{tree}"))
    }

    @Test func commitInfoMatchesGit() throws {
        let repo = try TemporaryGitRepository()
        try repo.write("a.txt", "a\n")
        let first = try repo.commit("Root")
        try repo.write("a.txt", "b\n")
        let when = Date(timeIntervalSince1970: 1_700_000_000)
        let second = try repo.commit(
            "Ship the canary\n\nWith a body that explains why.\n",
            author: "Grace Hopper <grace@example.com>", date: when)

        let (info, root) = try GitRepository.withRepository(at: repo.path) { git in
            (try git.commit(try git.resolve(second)), try git.commit(try git.resolve(first)))
        }
        #expect(info.id.sha == second)
        #expect(info.author.name == "Grace Hopper")
        #expect(info.author.email == "grace@example.com")
        #expect(info.author.description == "Grace Hopper <grace@example.com>")
        #expect(info.committer.name == TemporaryGitRepository.committerName)
        #expect(info.committer.email == TemporaryGitRepository.committerEmail)
        #expect(info.time == when)
        #expect(info.author.time == when)
        #expect(info.summary == "Ship the canary")
        #expect(info.message == "Ship the canary\n\nWith a body that explains why.\n")
        #expect(info.parentIDs.map(\.sha) == [first])
        #expect(root.parentIDs.isEmpty)
        #expect(root.author.name == "Ada")
    }

    @Test func logIsNewestFirstAlongFirstParents() throws {
        let repo = try TemporaryGitRepository()
        let base = Date(timeIntervalSince1970: 1_700_000_000)
        var mainline: [String] = []
        for index in 0..<3 {
            try repo.write("file.txt", "\(index)\n")
            mainline.append(try repo.commit("Main \(index)", date: base + Double(index * 60)))
        }
        try repo.git("checkout", "--quiet", "-b", "topic", mainline[1])
        try repo.write("topic.txt", "topic\n")
        let topic = try repo.commit("Topic work", date: base + 500)
        try repo.git("checkout", "--quiet", "main")
        try repo.git(["merge", "--quiet", "--no-ff", "-m", "Merge topic", "topic"],
                     environment: ["GIT_AUTHOR_DATE": "@1700001000 +0000", "GIT_COMMITTER_DATE": "@1700001000 +0000"])
        let merge = try repo.git("rev-parse", "HEAD")

        try GitRepository.withRepository(at: repo.path) { git in
            let head = try git.resolve("main")
            let all = try git.log(from: head, limit: 10)
            #expect(all.map(\.id.sha) == [merge] + mainline.reversed())
            #expect(!all.map(\.id.sha).contains(topic))
            #expect(all.first?.isMerge == true)
            #expect(try git.log(from: head, limit: 2).map(\.id.sha) == [merge, mainline[2]])
            #expect(try git.log(from: head, limit: 0).isEmpty)
            #expect(try git.isAncestor(try git.resolve(mainline[0]), of: head))
            #expect(try !git.isAncestor(head, of: try git.resolve(mainline[0])))
        }
    }

    @Test func openingSomethingThatIsNotARepositoryFailsClearly() throws {
        let plain = try TemporaryDirectory()
        let error = try #require(throws: GitError.self) {
            try GitRepository.withRepository(at: plain.path) { _ in }
        }
        #expect(error.description.hasPrefix("cannot open repository at \(plain.path): "))
        #expect(error.message.contains("could not find repository"))

        let missing = plain.path("does/not/exist")
        let missingError = try #require(throws: GitError.self) {
            try GitRepository.withRepository(at: missing) { _ in }
        }
        #expect(missingError.description.contains(missing))
    }

    @Test func opensWorkTreesAndTheirGitDirectories() throws {
        let (repo, _, second) = try history()
        try GitRepository.withRepository(at: repo.path) { git in
            #expect(!git.isBare)
            #expect(git.workingDirectory == repo.path + "/")
        }
        // A subdirectory of a work tree is not the repository: no searching upward.
        try repo.write("sub/file.txt", "x\n")
        #expect(throws: GitError.self) {
            try GitRepository.withRepository(at: repo.path + "/sub") { _ in }
        }
        let sha = try GitRepository.withRepository(at: repo.path + "/.git") { try $0.resolve("main").sha }
        #expect(sha == second)
    }

    @Test func asyncScopeWorks() async throws {
        let (repo, _, second) = try history()
        let sha = try await GitRepository.withRepository(at: repo.path) { git in
            await Task.yield()
            return try git.resolve("main").sha
        }
        #expect(sha == second)
    }

    @Test func aRepositoryUsedAfterItsScopeThrowsInsteadOfCrashing() throws {
        let (repo, _, _) = try history()
        let escaped = try GitRepository.withRepository(at: repo.path) { $0 }
        let error = try #require(throws: GitError.self) { try escaped.resolve("main") }
        #expect(error.message.contains("closed"))
    }
}
