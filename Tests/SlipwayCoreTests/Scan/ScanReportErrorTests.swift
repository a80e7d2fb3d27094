import Foundation
import SlipwayCore
import Testing

@Suite struct ScanReportErrorTests {
    @Test func aTableIsNotJSONAndTheMessageSaysWhatItBegins() throws {
        let error = #expect(throws: ScanReportError.self) {
            try TrivyReport.parse(ScanFixture.data("trivy-table.txt"))
        }
        #expect(error?.code == .notJSON)
        #expect(error?.cause != nil)
        #expect(error?.message.hasPrefix("the report is not JSON (it begins \"Report Summary\"") == true)
        #expect(error?.message.hasSuffix("expected trivy's JSON report (`trivy image --format json`, SchemaVersion 2)") == true)
    }

    @Test(arguments: VulnerabilityScan.Scanner.allCases)
    func anEmptyReportSaysSo(scanner: VulnerabilityScan.Scanner) throws {
        let error = #expect(throws: ScanReportError.self) {
            try ScanReport.parse(.json(" \n"), as: scanner)
        }
        #expect(error?.code == .notJSON)
        #expect(error?.scanner == scanner)
        #expect(error?.message.hasPrefix("the report is empty; expected \(ScanReport.expectation(for: scanner))") == true)
    }

    @Test func truncatedJSONIsNotJSON() throws {
        let error = #expect(throws: ScanReportError.self) {
            try GrypeReport.parse(.json(#"{"matches": [{"vulnerability": {"id": "CVE-2024-2961""#))
        }
        #expect(error?.code == .notJSON)
    }

    @Test func aMissingFieldIsNamedWithItsPath() throws {
        let error = #expect(throws: ScanReportError.self) {
            try TrivyReport.parse(ScanFixture.data("trivy-missing-pkgname.json"))
        }
        #expect(error?.code == .wrongShape)
        #expect(error?.path == "Results[0].Vulnerabilities[1]")
        #expect(error?.description == """
            trivy report: Results[0].Vulnerabilities[1]: missing field "PkgName"; \
            this does not look like trivy's JSON report (`trivy image --format json`, SchemaVersion 2)
            """)
    }

    @Test func anotherScannersReportIsNamed() throws {
        let grype = try ScanFixture.data("grype.json")
        let error = #expect(throws: ScanReportError.self) { try TrivyReport.parse(grype) }
        #expect(error?.code == .wrongShape)
        #expect(error?.message.hasPrefix("this is a grype report, not a trivy one; set `scanner: grype` in the scan entry") == true)

        let sarif = try ScanFixture.data("report.sarif")
        let asGrype = #expect(throws: ScanReportError.self) { try GrypeReport.parse(sarif) }
        #expect(asGrype?.message.hasPrefix("this is a sarif report, not a grype one; set `scanner: sarif`") == true)

        let trivy = try ScanFixture.data("trivy-image.json")
        let asSARIF = #expect(throws: ScanReportError.self) { try ScanReport.parse(trivy, as: .sarif) }
        #expect(asSARIF?.message.hasPrefix("this is a trivy report, not a sarif one; set `scanner: trivy`") == true)
    }

    @Test func anSBOMIsNotAVulnerabilityReport() throws {
        let error = #expect(throws: ScanReportError.self) {
            try TrivyReport.parse(.json(#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": []}"#))
        }
        #expect(error?.message.hasPrefix("this is a CycloneDX SBOM report, not a trivy one; give it trivy's JSON report") == true)
    }

    @Test func anUnrelatedObjectNamesTheFieldThatIdentifiesTheFormat() throws {
        let trivy = #expect(throws: ScanReportError.self) { try TrivyReport.parse(.json(#"{"status": "ok"}"#)) }
        #expect(trivy?.message == """
            missing field "SchemaVersion"; this does not look like trivy's JSON report (`trivy image --format json`, SchemaVersion 2)
            """)
        let grype = #expect(throws: ScanReportError.self) { try GrypeReport.parse(.json("{}")) }
        #expect(grype?.message.hasPrefix("missing field \"matches\"; this does not look like grype's JSON report") == true)
        let sarif = #expect(throws: ScanReportError.self) { try SARIFReport.parse(.json(#"{"runs": []}"#)) }
        #expect(sarif?.message.hasPrefix("missing field \"version\"; this does not look like a SARIF 2.1.0 log") == true)
    }

    @Test func aFieldOfTheWrongTypeSaysWhatWasExpected() throws {
        let error = #expect(throws: ScanReportError.self) { try GrypeReport.parse(.json(#"{"matches": {}}"#)) }
        #expect(error?.code == .wrongShape)
        #expect(error?.path == "matches")
        #expect(error?.message.hasPrefix("expected a list;") == true)

        let null = #expect(throws: ScanReportError.self) {
            try SARIFReport.parse(.json(#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": null}}}]}"#))
        }
        #expect(null?.path == "runs[0].tool.driver.name")
        #expect(null?.message.hasPrefix("is null, expected a string;") == true)
    }

    @Test func aListIsNotAGrypeOrSARIFReport() throws {
        #expect(throws: ScanReportError.self) { try GrypeReport.parse(.json("[]")) }
        #expect(throws: ScanReportError.self) { try SARIFReport.parse(.json("[]")) }
        #expect(throws: ScanReportError.self) { try TrivyReport.parse(.json("42")) }
    }
}
