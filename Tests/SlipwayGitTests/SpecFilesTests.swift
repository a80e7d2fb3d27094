import Foundation
import SlipwayCore
import SlipwayGit
import SlipwayTestSupport
import Testing

/// Reading the Slipway specs committed at a revision.
@Suite struct SpecFilesTests {
    @Test func readsOnlySpecPathsAtTheCommit() throws {
        let repo = try TemporaryGitRepository()
        try repo.write("pipelines/model-serve.yaml", "kind: Pipeline\n")
        try repo.write("pipelines/other.yml", "kind: Pipeline # yml\n")
        try repo.write("pipelines/README.md", "not a spec\n")
        try repo.write("pipelines/nested/deep.yaml", "kind: Pipeline # too deep\n")
        try repo.write("environments/dev.yaml", "kind: Environment\n")
        try repo.write("k8s/deploy.yaml", "kind: Deployment\n")
        try repo.write("pipeline.yaml", "kind: Pipeline # at the root\n")
        let first = try repo.commit("Specs")
        try repo.write("environments/prod.yaml", "kind: Environment # added later\n")
        try repo.write("pipelines/model-serve.yaml", "kind: Pipeline # edited later\n")
        let second = try repo.commit("More specs")

        try GitRepository.withRepository(at: repo.path) { git in
            let files = try git.specFiles(at: try git.resolve(first))
            #expect(files == [
                SpecFile(path: "environments/dev.yaml", contents: "kind: Environment\n"),
                SpecFile(path: "pipelines/model-serve.yaml", contents: "kind: Pipeline\n"),
                SpecFile(path: "pipelines/other.yml", contents: "kind: Pipeline # yml\n"),
            ])
            #expect(files.allSatisfy { SpecFile.isSpecPath($0.path) })

            let later = try git.specFiles(at: try git.resolve(second))
            #expect(later.map(\.path) == ["environments/dev.yaml", "environments/prod.yaml",
                                          "pipelines/model-serve.yaml", "pipelines/other.yml"])
            #expect(later.first { $0.path == "pipelines/model-serve.yaml" }?.contents == "kind: Pipeline # edited later\n")
        }
        // Uncommitted edits are not specs.
        try repo.write("environments/staging.yaml", "kind: Environment\n")
        let paths = try GitRepository.withRepository(at: repo.path) { try $0.specFiles(at: try $0.resolve("HEAD")).map(\.path) }
        #expect(!paths.contains("environments/staging.yaml"))
    }

    @Test func noSpecFoldersMeansNoSpecs() throws {
        let repo = try TemporaryGitRepository()
        try repo.write("README.md", "nothing to release\n")
        let sha = try repo.commit("Plain")
        try GitRepository.withRepository(at: repo.path) { git throws in
            #expect(try git.specFiles(at: try git.resolve(sha)).isEmpty)
        }
    }

    @Test func aSpecThatIsNotUTF8IsAnErrorNamingTheFile() throws {
        let repo = try TemporaryGitRepository()
        try repo.write("pipelines/good.yaml", "kind: Pipeline\n")
        try repo.write("environments/latin1.yaml", data: Data("name: M\u{FC}nchen\n".data(using: .isoLatin1)!))
        let sha = try repo.commit("Latin-1 spec")
        let error = try #require(throws: GitError.self) {
            try GitRepository.withRepository(at: repo.path) { try $0.specFiles(at: try $0.resolve(sha)) }
        }
        #expect(error.code == .invalid)
        #expect(error.description.contains("environments/latin1.yaml"))
        #expect(error.description.contains("UTF-8"))
    }

    @Test func specsFeedTheSpecLoaderUnchanged() throws {
        let repo = try TemporaryGitRepository()
        let yaml = "apiVersion: slipway/v1\nkind: Environment\nmetadata: { name: dev }\n"
        try repo.write("environments/dev.yaml", yaml)
        let sha = try repo.commit("Dev")
        let files = try GitRepository.withRepository(at: repo.path) { try $0.specFiles(at: try $0.resolve(sha)) }
        #expect(files.map(\.contents) == [yaml])
    }
}
