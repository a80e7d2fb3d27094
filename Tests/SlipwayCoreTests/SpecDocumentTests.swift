import Testing
@testable import SlipwayCore

/// Problems with a file or document as a whole: YAML that does not parse, an empty
/// file, the wrong apiVersion or kind, a kind in the wrong folder, a bad name,
/// a key written twice.
@Suite struct SpecDocumentTests {
    static let mistakes: [SpecMistake] = [
        .environment("unclosed flow mapping", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev
            spec: { order: 1 }
            """,
            .at(environmentPath, 4, 5, "malformed YAML: while parsing a flow mapping: did not find expected ',' or '}'")),
        .environment("key indented less than its siblings", """
            apiVersion: slipway/v1
            kind: Environment
            metadata:
              name: dev
             spec: {}
            """,
            .at(environmentPath, 5, 2, "malformed YAML: while parsing a block mapping: did not find expected key")),
        .environment("a value after a mapping value on one line", """
            apiVersion: slipway/v1
            kind: Environment: x
            """,
            .at(environmentPath, 2, 18, "malformed YAML: mapping values are not allowed in this context")),
        .environment("an empty file", "",
            .at(environmentPath, 1, 1, "the file holds no spec; expected a document with apiVersion, kind, metadata and spec")),
        .environment("only comments and blank lines", """
            # prod is defined elsewhere

            """,
            .at(environmentPath, 1, 1, "the file holds no spec; expected a document with apiVersion, kind, metadata and spec")),
        .environment("wrong apiVersion", """
            apiVersion: slipway/v2
            kind: Environment
            metadata: { name: dev }
            spec: { order: 1, target: { local: { port: 18080 } } }
            """,
            .at(environmentPath, 1, 13, "unsupported apiVersion \"slipway/v2\"; expected \"slipway/v1\"")),
        .environment("apiVersion as a number", """
            apiVersion: 1
            kind: Environment
            metadata: { name: dev }
            spec: { order: 1, target: { local: { port: 18080 } } }
            """,
            .at(environmentPath, 1, 13, "unsupported apiVersion \"1\"; expected \"slipway/v1\"")),
        .environment("unknown kind", """
            apiVersion: slipway/v1
            kind: Enviroment
            metadata: { name: dev }
            spec: { order: 1, target: { local: { port: 18080 } } }
            """,
            .at(environmentPath, 2, 7, "unknown kind \"Enviroment\"; expected Pipeline or Environment")),
        .environment("a Pipeline in environments/", """
            apiVersion: slipway/v1
            kind: Pipeline
            metadata: { name: dev }
            spec:
              order: 1
              target: { local: { port: 18080 } }
            """,
            .at(environmentPath, 2, 7, "a Pipeline does not belong in environments/; expected kind Environment here")),
        .file("an Environment in pipelines/", "pipelines/dev.yaml", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec: { order: 1, target: { local: { port: 18080 } } }
            """,
            .at("pipelines/dev.yaml", 2, 7, "an Environment does not belong in pipelines/; expected kind Pipeline here")),
        .environment("missing apiVersion, kind and metadata", """
            spec: { order: 1, target: { local: { port: 18080 } } }
            """,
            .at(environmentPath, 1, 1, "missing required key 'apiVersion' in a spec document"),
            .at(environmentPath, 1, 1, "missing required key 'kind' in a spec document")),
        .environment("missing metadata and spec", """
            apiVersion: slipway/v1
            kind: Environment
            """,
            .at(environmentPath, 1, 1, "missing required key 'metadata' in a spec document"),
            .at(environmentPath, 1, 1, "missing required key 'spec' in a spec document")),
        .environment("metadata without a name", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { labels: { tier: dev } }
            spec: { order: 1, target: { local: { port: 18080 } } }
            """,
            .at(environmentPath, 3, 11, "missing required key 'name' in metadata")),
        .environment("metadata.name with capitals and an underscore", """
            apiVersion: slipway/v1
            kind: Environment
            metadata:
              name: Model_Serve
            spec: { order: 1, target: { local: { port: 18080 } } }
            """,
            .at(environmentPath, 4, 9, "metadata.name must be \(SpecMetadata.nameExpectation), found \"Model_Serve\"")),
        .environment("metadata.name ending in '-'", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: "dev-" }
            spec: { order: 1, target: { local: { port: 18080 } } }
            """,
            .at(environmentPath, 3, 19, "metadata.name must be \(SpecMetadata.nameExpectation), found \"dev-\"")),
        .environment("metadata.name longer than 63 characters", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: \(String(repeating: "a", count: 64)) }
            spec: { order: 1, target: { local: { port: 18080 } } }
            """,
            .at(environmentPath, 3, 19, "metadata.name must be \(SpecMetadata.nameExpectation), found \"\(String(repeating: "a", count: 64))\"")),
        .environment("the same key twice in one mapping", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec:
              order: 1
              target: { local: { port: 18080 } }
              order: 2
            """,
            .at(environmentPath, 5, 3, "duplicate key 'order' in a mapping; each key may appear once")),
        .environment("the same key twice in a flow mapping", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec:
              order: 1
              target: { local: { port: 18080, port: 18081 } }
            """,
            .at(environmentPath, 6, 22, "duplicate key 'port' in a mapping; each key may appear once")),
        .environment("a document that is a list", """
            - apiVersion: slipway/v1
            - kind: Environment
            """,
            .at(environmentPath, 1, 1, "expected a spec document as a mapping, found a list")),
    ]

    @Test(arguments: mistakes)
    func mistakeIsReportedWhereItIs(_ mistake: SpecMistake) {
        mistake.check()
    }

    @Test func oneBadDocumentDoesNotHideTheOthersInTheFile() throws {
        let diagnostics = loadDiagnostics([.yaml("environments/all.yaml", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: dev }
            spec: { order: 1, target: { local: { port: 18080 } } }
            ---
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: Prod }
            spec: { order: 2, target: { local: { port: 18081 } } }
            ---
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: qa }
            spec: { order: 3, target: { local: { port: 80 } } }
            """)])
        #expect(diagnostics == [
            .at("environments/all.yaml", 8, 19, "metadata.name must be \(SpecMetadata.nameExpectation), found \"Prod\""),
            .at("environments/all.yaml", 14, 44, "'port' in local target must be between 1024 and 65535, found 80"),
        ])
    }

    @Test func malformedYAMLInALaterDocumentIsReported() {
        let diagnostics = loadDiagnostics([.yaml("environments/all.yaml", """
            apiVersion: slipway/v1
            kind: Environment
            metadata: { name: Dev }
            spec: { order: 1, target: { local: { port: 18080 } } }
            ---
            apiVersion: slipway/v1
            kind: Environment: x
            """)])
        #expect(diagnostics == [
            .at("environments/all.yaml", 3, 19, "metadata.name must be \(SpecMetadata.nameExpectation), found \"Dev\""),
            .at("environments/all.yaml", 7, 18, "malformed YAML: mapping values are not allowed in this context"),
        ])
    }
}
