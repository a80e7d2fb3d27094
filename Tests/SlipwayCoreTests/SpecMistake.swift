import Testing
@testable import SlipwayCore

/// Where the files of `SpecMistake.pipeline` and `SpecMistake.environment` live.
let pipelinePath = "pipelines/p.yaml"
let environmentPath = "environments/e.yaml"

/// Specs with a mistake in them, and exactly the diagnostics loading them must give:
/// nothing missing, nothing extra, each at its file, line and column.
struct SpecMistake: Sendable, CustomTestStringConvertible {
    var name: String
    var files: [SpecFile]
    var expected: [SpecDiagnostic]

    init(_ name: String, files: [SpecFile], expected: [SpecDiagnostic]) {
        self.name = name
        self.files = files
        self.expected = expected
    }

    /// A mistake in one file at `path`, loaded on its own.
    static func file(_ name: String, _ path: String, _ contents: String, _ expected: SpecDiagnostic...) -> SpecMistake {
        SpecMistake(name, files: [.yaml(path, contents)], expected: expected)
    }

    /// A mistake in `pipelines/p.yaml`, which promotes through `ExampleSpecs.environments`.
    static func pipeline(_ name: String, _ contents: String, _ expected: SpecDiagnostic...) -> SpecMistake {
        SpecMistake(name, files: ExampleSpecs.environments + [.yaml(pipelinePath, contents)], expected: expected)
    }

    /// A mistake in `environments/e.yaml`, loaded on its own.
    static func environment(_ name: String, _ contents: String, _ expected: SpecDiagnostic...) -> SpecMistake {
        SpecMistake(name, files: [.yaml(environmentPath, contents)], expected: expected)
    }

    var testDescription: String { name }

    /// Loads the files and checks that exactly the expected diagnostics come back.
    func check(sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let diagnostics = loadDiagnostics(files, sourceLocation: sourceLocation)
        #expect(diagnostics == expected, "\(name)", sourceLocation: sourceLocation)
    }
}
