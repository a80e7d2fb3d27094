import Testing
@testable import SlipwayCore

/// Specs a person could write by mistake: each gives diagnostics, never a crash,
/// and every diagnostic points into a file that was loaded.
@Suite struct OddInputTests {
    struct OddInput: Sendable, CustomTestStringConvertible {
        var name: String
        var files: [SpecFile]
        var testDescription: String { name }

        init(_ name: String, _ contents: String, path: String = environmentPath) {
            self.name = name
            self.files = [.yaml(path, contents)]
        }

        init(_ name: String, pipeline contents: String) {
            self.name = name
            self.files = ExampleSpecs.environments + [.yaml(pipelinePath, contents)]
        }
    }

    static let inputs: [OddInput] = [
        OddInput("a top-level list", "- apiVersion: slipway/v1\n- kind: Environment\n"),
        OddInput("a scalar document", "just some words"),
        OddInput("a number as the whole document", "42"),
        OddInput("a null document", "~"),
        OddInput("a document with only ---", "---"),
        OddInput("two empty documents", "---\n---\n"),
        OddInput("tabs for indentation", "apiVersion: slipway/v1\nkind: Environment\nmetadata:\n\tname: dev\n"),
        OddInput("a NUL byte", "apiVersion: slipway/v1\u{0}\n"),
        OddInput("an undefined alias", "apiVersion: slipway/v1\nkind: Environment\nmetadata: *meta\n"),
        OddInput("an alias of itself", "apiVersion: slipway/v1\nkind: Environment\nmetadata: &m { name: *m }\n"),
        OddInput("a merge key", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            base: &base { order: 1 }
            spec:
              <<: *base
              target: { local: { port: 18080 } }
            """),
        OddInput("one anchored spec used by two environments", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec: &same { order: 1, target: { local: { port: 18080 } } }
            ---
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: qa }
            spec: *same
            """),
        OddInput("a mapping as a key", "apiVersion: slipway/v1\nkind: Environment\n{ a: b }: c\n"),
        OddInput("unicode names", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: "prödüction-🚀" }
            spec: { order: 1, target: { local: { port: 18080 } } }
            """),
        OddInput("a Windows-1252 style smart-quoted value", "apiVersion: “slipway/v1”\nkind: Environment\n"),
        OddInput("a very long name", "apiVersion: slipway/v1\nkind: Environment\nmetadata: { name: \(String(repeating: "a", count: 10_000)) }\n"),
        OddInput("a huge number for setWeight", pipeline: """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy: { canary: { steps: [ { setWeight: 184467440737095516160000 }, { setWeight: 1e308 }, { setWeight: .inf } ] } }
            """),
        OddInput("stages: {}", pipeline: """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages: {}
            """),
        OddInput("stages: []", pipeline: """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages: []
            """),
        OddInput("stages: null", pipeline: """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
            """),
        OddInput("a stage that is a list of lists", pipeline: """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages: [[[[[[[[[[[[[[[[[[[[dev]]]]]]]]]]]]]]]]]]]]
            """),
        OddInput("a unicode environment name in a stage", pipeline: """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages: [ { environment: "dév", strategy: { blueGreen: } }, { environment: "", strategy: { blueGreen: } } ]
            """),
        OddInput("a weight of a huge negative number and a pause of a huge duration", pipeline: """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: p }
            spec:
              stages:
                - environment: dev
                  strategy: { canary: { steps: [ { setWeight: -9223372036854775808 }, { pause: 9999999999999999d } ] } }
            """),
    ]

    @Test(arguments: inputs)
    func oddInputGivesDiagnosticsNotACrash(_ input: OddInput) {
        let diagnostics = loadDiagnostics(input.files)
        #expect(!diagnostics.isEmpty)
        let paths = Set(input.files.map(\.path))
        for diagnostic in diagnostics {
            #expect(paths.contains(diagnostic.location.file), "\(diagnostic)")
            #expect(diagnostic.location.line >= 1 && diagnostic.location.column >= 1, "\(diagnostic)")
            #expect(!diagnostic.message.isEmpty)
        }
    }

    @Test func topLevelListScalarAndEmptyDocumentSayWhatWasExpected() {
        #expect(loadDiagnostics([.yaml(environmentPath, "- a\n- b\n")]) == [
            .at(environmentPath, 1, 1, "expected a spec document as a mapping, found a list"),
        ])
        #expect(loadDiagnostics([.yaml(environmentPath, "hello")]) == [
            .at(environmentPath, 1, 1, "expected a spec document as a mapping, found the string \"hello\""),
        ])
        #expect(loadDiagnostics([.yaml(environmentPath, "---\n")]) == [
            .at(environmentPath, 2, 1, "expected a spec document as a mapping, found nothing (null)"),
        ])
    }

    @Test func aliasBombIsRefusedBeforeAnythingWalksIt() {
        // Each level doubles the one before: 2^40 leaves from a dozen lines.
        var text = "a0: &a0 [x, x]\n"
        for level in 1...40 {
            text += "a\(level): &a\(level) [*a\(level - 1), *a\(level - 1)]\n"
        }
        let diagnostics = loadDiagnostics([.yaml(environmentPath, text)])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.hasPrefix("the file expands to more than 100000 YAML nodes") == true)
        #expect(diagnostics.first?.location == SlipwayCore.SourceLocation(file: environmentPath, line: 1, column: 1))
    }

    @Test func tabsAreReportedWhereTheyAre() {
        #expect(loadDiagnostics([.yaml(environmentPath, "apiVersion: slipway/v1\nkind: Environment\nmetadata:\n\tname: dev\n")]) == [
            .at(environmentPath, 4, 1, "malformed YAML: while scanning for the next token: found character that cannot start any token"),
        ])
    }

    @Test func columnsCountCharactersNotBytes() {
        let diagnostics = loadDiagnostics([.yaml(environmentPath, """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev, labels: { owner: "Jürgen Müller" }, nmae: x }
            spec: { order: 1, target: { local: { port: 18080 } } }
            """)])
        #expect(diagnostics == [
            .at(environmentPath, 3, 60, "unknown key 'nmae' in metadata; expected one of: name, labels (did you mean 'name'?)"),
        ])
    }

    @Test func windowsLineEndingsLoadWithTheSamePositions() throws {
        let text = """
            apiVersion: slipway/v1
            kind: Environment
            metadata:
              name: dev
            spec:
              order: 1
              target: { local: { port: 18080 } }
              drift: { interval: 1s }
            """
        let crlf = text.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(loadDiagnostics([.yaml(environmentPath, crlf)]) == [
            .at(environmentPath, 8, 22, "drift 'interval' must be at least 10s"),
        ])
        let set = try loadSpecs([.yaml(environmentPath, crlf.replacingOccurrences(of: "1s", with: "30s"))])
        #expect(set.environment(named: "dev")?.location == .init(file: environmentPath, line: 4, column: 3))
    }
}
