import Foundation
import SlipwayGit
import SlipwayTestSupport
import Testing

/// Cloning a mirror and keeping it up to date with fetch.
@Suite struct RemoteTests {
    private func upstream() throws -> (TemporaryGitRepository, String) {
        let repo = try TemporaryGitRepository()
        try repo.write("README.md", "v1\n")
        let first = try repo.commit("First")
        try repo.git("branch", "release", first)
        try repo.git("tag", "v1", first)
        return (repo, first)
    }

    @Test(arguments: [false, true])
    func cloneBareThenFetchMovesBranches(useFileURL: Bool) throws {
        let (upstream, first) = try upstream()
        let scratch = try TemporaryDirectory()
        let mirror = scratch.path("mirror.git")
        try GitRepository.clone(from: useFileURL ? upstream.fileURL : upstream.path, to: mirror)

        try GitRepository.withRepository(at: mirror) { git throws in
            #expect(git.isBare)
            #expect(try git.resolve("main").sha == first)
            #expect(try git.resolve("origin/main").sha == first)
            // Every upstream branch is a local branch in the mirror, tags too.
            #expect(try git.resolve("release").sha == first)
            #expect(try git.resolve("v1").sha == first)
        }

        try upstream.write("README.md", "v2\n")
        let second = try upstream.commit("Second")
        try upstream.git("branch", "hotfix", second)
        try upstream.git("tag", "v2", second)
        // A tag on a commit no branch contains (e.g. a release built from a
        // deleted branch) still reaches the mirror.
        try upstream.git("checkout", "--quiet", "--detach", second)
        try upstream.write("side.txt", "side\n")
        let side = try upstream.commit("Side")
        try upstream.git("tag", "side-release", side)
        try upstream.git("checkout", "--quiet", "main")

        try GitRepository.withRepository(at: mirror) { git in
            #expect(try git.resolve("main").sha == first, "nothing moves before a fetch")
            try git.fetch()
            #expect(try git.resolve("main").sha == second)
            #expect(try git.resolve("origin/main").sha == second)
            #expect(try git.resolve("hotfix").sha == second)
            #expect(try git.resolve("v2").sha == second)
            #expect(try git.resolve("side-release").sha == side)
            #expect(try git.readText("README.md", at: try git.resolve("main")) == "v2\n")
        }
        // The git CLI agrees with what libgit2 wrote.
        #expect(try TemporaryGitRepository.runGit(["rev-parse", "main"], in: mirror) == second)
    }

    @Test func fetchFollowsAForcePush() throws {
        let (upstream, first) = try upstream()
        try upstream.write("README.md", "v2\n")
        try upstream.commit("Second")
        let scratch = try TemporaryDirectory()
        let mirror = scratch.path("mirror.git")
        try GitRepository.clone(from: upstream.path, to: mirror)

        try upstream.git("reset", "--quiet", "--hard", first)
        try upstream.write("README.md", "rewritten\n")
        let rewritten = try upstream.commit("Rewritten")

        try GitRepository.withRepository(at: mirror) { git in
            try git.fetch()
            #expect(try git.resolve("main").sha == rewritten)
        }
    }

    @Test func nonBareCloneUpdatesRemoteTrackingBranches() throws {
        let (upstream, first) = try upstream()
        let scratch = try TemporaryDirectory()
        let clone = scratch.path("clone")
        try GitRepository.clone(from: upstream.fileURL, to: clone, bare: false)
        #expect(FileManager.default.fileExists(atPath: clone + "/README.md"))

        try upstream.write("README.md", "v2\n")
        let second = try upstream.commit("Second")
        try GitRepository.withRepository(at: clone) { git in
            #expect(!git.isBare)
            try git.fetch(remote: "origin")
            #expect(try git.resolve("origin/main").sha == second)
            // The checked-out branch is the user's: fetch leaves it alone.
            #expect(try git.resolve("main").sha == first)
        }
    }

    @Test func failuresNameWhatWasBeingDone() throws {
        let scratch = try TemporaryDirectory()
        let source = scratch.path("no-such-repo")
        let cloneError = try #require(throws: GitError.self) {
            try GitRepository.clone(from: source, to: scratch.path("out"))
        }
        #expect(cloneError.description.hasPrefix("cannot clone \(source) into \(scratch.path("out")): "))

        let (upstream, _) = try upstream()
        let fetchError = try #require(throws: GitError.self) {
            try GitRepository.withRepository(at: upstream.path) { try $0.fetch(remote: "nowhere") }
        }
        #expect(fetchError.isNotFound)
        #expect(fetchError.description.contains("'nowhere'"))
    }
}
