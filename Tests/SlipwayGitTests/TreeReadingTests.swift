import Foundation
import SlipwayGit
import SlipwayTestSupport
import Testing

/// Reading files and directories at a commit without checking it out.
@Suite struct TreeReadingTests {
    @Test func readsTheContentsAFileHadAtAnOlderCommit() throws {
        let repo = try TemporaryGitRepository()
        try repo.write("environments/prod.yaml", "replicas: 2\n")
        let old = try repo.commit("Two replicas")
        try repo.write("environments/prod.yaml", "replicas: 5\n")
        let new = try repo.commit("Five replicas")

        try GitRepository.withRepository(at: repo.path) { git in
            let oldID = try git.resolve(old), newID = try git.resolve(new)
            #expect(try git.readText("environments/prod.yaml", at: oldID) == "replicas: 2\n")
            #expect(try git.readText("environments/prod.yaml", at: newID) == "replicas: 5\n")
            #expect(try git.readFile("/environments/prod.yaml", at: oldID) == Data("replicas: 2\n".utf8))
        }
    }

    @Test func missingPathsAreNilAndDirectoriesAreErrors() throws {
        let repo = try TemporaryGitRepository()
        try repo.write("a/b.txt", "b\n")
        try repo.write("binary.bin", data: Data([0xFF, 0xFE, 0x00, 0x80]))
        try repo.write("empty.txt", "")
        let sha = try repo.commit("Files")

        try GitRepository.withRepository(at: repo.path) { git in
            let id = try git.resolve(sha)
            #expect(try git.readFile("nope.txt", at: id) == nil)
            #expect(try git.readFile("a/nope.txt", at: id) == nil)
            #expect(try git.readFile("nope/b.txt", at: id) == nil)
            #expect(try git.readText("nope.txt", at: id) == nil)
            #expect(try git.readFile("empty.txt", at: id) == Data())
            #expect(try git.readFile("binary.bin", at: id) == Data([0xFF, 0xFE, 0x00, 0x80]))

            let directory = try #require(throws: GitError.self) { try git.readFile("a", at: id) }
            #expect(directory.code == .directory)
            #expect(directory.description.contains("'a'"))
            #expect(throws: GitError.self) { try git.readFile("", at: id) }

            let binary = try #require(throws: GitError.self) { try git.readText("binary.bin", at: id) }
            #expect(binary.description.contains("binary.bin"))
            #expect(binary.message.contains("UTF-8"))
        }
    }

    @Test func unknownCommitIsAnError() throws {
        let repo = try TemporaryGitRepository()
        try repo.write("a.txt", "a\n")
        try repo.commit("A")
        let stranger = try #require(GitObjectID(sha: String(repeating: "ab", count: 20)))
        try GitRepository.withRepository(at: repo.path) { git in
            let error = try #require(throws: GitError.self) { try git.readFile("a.txt", at: stranger) }
            #expect(error.isNotFound)
            #expect(error.description.contains(stranger.short))
        }
    }

    @Test func listsDirectoriesWithKinds() throws {
        let repo = try TemporaryGitRepository()
        try repo.write("README.md", "hi\n")
        try repo.write("scripts/deploy.sh", "#!/bin/sh\n", executable: true)
        try repo.write("scripts/lib/common.sh", "x=1\n")
        try repo.symlink("scripts/latest", to: "deploy.sh")
        // A submodule entry (gitlink) needs no checkout of its own; commit it
        // straight from the index, since `commit` would stage its absence.
        try repo.git("add", "--all")
        try repo.git("update-index", "--add", "--cacheinfo", "160000,\(String(repeating: "1", count: 40)),vendor/sub")
        try repo.git("commit", "--quiet", "-m", "Tree")
        let sha = try repo.git("rev-parse", "HEAD")

        try GitRepository.withRepository(at: repo.path) { git in
            let id = try git.resolve(sha)
            let root = try git.listDirectory("", at: id)
            #expect(root.map(\.name) == ["README.md", "scripts", "vendor"])
            #expect(root.map(\.kind) == [.file, .directory, .directory])
            #expect(root.map(\.path) == ["README.md", "scripts", "vendor"])

            let scripts = try git.listDirectory("scripts/", at: id)
            #expect(scripts.map(\.path) == ["scripts/deploy.sh", "scripts/latest", "scripts/lib"])
            #expect(scripts.map(\.kind) == [.file, .symlink, .directory])
            #expect(scripts.map(\.isExecutable) == [true, false, false])
            // The entry id is the blob id git computes for the same content.
            #expect(scripts[0].id.sha == (try repo.git("rev-parse", "\(sha):scripts/deploy.sh")))

            let vendor = try git.listDirectory("vendor", at: id)
            #expect(vendor.map(\.kind) == [.submodule])
            #expect(vendor.first?.id.sha == String(repeating: "1", count: 40))

            #expect(try git.listDirectory("missing", at: id).isEmpty)
            #expect(try git.listDirectory("scripts/lib", at: id).map(\.name) == ["common.sh"])
            let file = try #require(throws: GitError.self) { try git.listDirectory("README.md", at: id) }
            #expect(file.description.contains("README.md"))
        }
    }
}
