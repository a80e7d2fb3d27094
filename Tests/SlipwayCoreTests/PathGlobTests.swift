import Testing
@testable import SlipwayCore

/// `source.paths` globs: `*` and `?` stay within a path segment, `**` crosses any number of them.
@Suite struct PathGlobTests {
    @Test(arguments: [
        ("Sources/ModelServe/**", "Sources/ModelServe/main.swift"),
        ("Sources/ModelServe/**", "Sources/ModelServe/Routes/v1/Generate.swift"),
        ("Sources/ModelServe/**", "Sources/ModelServe"),
        ("*.yaml", "pipeline.yaml"),
        ("*.yaml", ".yaml"),
        ("**/x", "x"),
        ("**/x", "a/x"),
        ("**/x", "a/b/c/x"),
        ("k8s/**/*.yaml", "k8s/deployment.yaml"),
        ("k8s/**/*.yaml", "k8s/prod/eu/deployment.yaml"),
        ("models/?odelfile", "models/Modelfile"),
        ("models/*file", "models/Modelfile"),
        ("a*b*c", "abc"),
        ("a*b*c", "axxbyyc"),
        ("**", "anything/at/all"),
        ("/Sources//ModelServe/**", "Sources/ModelServe/a.swift"),
    ])
    func matches(pattern: String, path: String) {
        #expect(PathGlob.matches(pattern: pattern, path: path))
    }

    @Test(arguments: [
        ("Sources/ModelServe/**", "Sources/ModelServeKit/main.swift"),
        ("Sources/ModelServe/**", "Sources/Other/main.swift"),
        ("Sources/ModelServe/**", "Tests/ModelServe/main.swift"),
        ("Sources/ModelServe/**", "sources/ModelServe/main.swift"),
        ("Sources/ModelServe/**", "Sources"),
        ("*.yaml", "pipelines/p.yaml"),
        ("*.yaml", "p.yml"),
        ("*.yaml", "p.yaml.bak"),
        ("**/x", "a/xy"),
        ("**/x", "x/a"),
        ("k8s/**/*.yaml", "k8s/prod/deployment.json"),
        ("models/?odelfile", "models/odelfile"),
        ("a*b*c", "acb"),
        ("", "a"),
    ])
    func doesNotMatch(pattern: String, path: String) {
        #expect(!PathGlob.matches(pattern: pattern, path: path))
    }

    @Test func sourceFilterWithoutPathsMatchesEverything() {
        #expect(SourceFilter().matches(path: "README.md"))
        let filter = SourceFilter(paths: ["Sources/ModelServe/**", "models/**"])
        #expect(filter.matches(path: "models/Modelfile"))
        #expect(!filter.matches(path: "README.md"))
    }
}
