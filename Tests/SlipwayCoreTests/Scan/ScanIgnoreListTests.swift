import Foundation
@testable import SlipwayCore
import Testing

@Suite struct ScanIgnoreListTests {
    static let file = "security/scan-ignore.yaml"

    static func parse(_ text: String) throws(ScanIgnoreListError) -> ScanIgnoreList {
        try ScanIgnoreList.parse(text, file: file)
    }

    static func diagnostics(_ text: String) -> [SpecDiagnostic] {
        do {
            _ = try parse(text)
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test func readsEntriesWithWhereTheyAreWritten() throws {
        let list = try Self.parse("""
            ignore:
              - id: CVE-2023-45853
                reason: "not reachable: we never write zip files"
                expires: 2027-01-31
              - id: CVE-2024-2961
                reason: iconv is not called with ISO-2022-CN-EXT
                expires: "2026-09-30"
                package: libc6
            """)
        #expect(list.file == Self.file)
        #expect(list.entries == [
            ScanIgnoreEntry(
                id: "CVE-2023-45853", reason: "not reachable: we never write zip files", expires: try ScanFixture.day("2027-01-31"),
                location: SlipwayCore.SourceLocation(file: Self.file, line: 2, column: 5)
            ),
            ScanIgnoreEntry(
                id: "CVE-2024-2961", reason: "iconv is not called with ISO-2022-CN-EXT", expires: try ScanFixture.day("2026-09-30"),
                package: "libc6", location: SlipwayCore.SourceLocation(file: Self.file, line: 5, column: 5)
            ),
        ])
    }

    @Test func anEmptyListIsAllowed() throws {
        #expect(try Self.parse("ignore: []").entries == [])
    }

    @Test func everyMissingFieldAndBadDateIsReportedAtOnce() {
        #expect(Self.diagnostics("""
            ignore:
              - id: CVE-2023-45853
                expires: 2027-01-31
              - reason: accepted
                expires: 2027-01-31
              - id: CVE-2024-2961
                reason: accepted
                expires: 2027-02-30
              - id: CVE-2024-5535
                reason: accepted
                expires: next quarter
              - id: CVE-2024-6119
                reason: "  "
            """) == [
            .at(Self.file, 2, 5, "missing required key 'reason' in the ignore entry for CVE-2023-45853"),
            .at(Self.file, 4, 5, "missing required key 'id' in ignore entry 2"),
            .at(Self.file, 8, 14, "expected a date YYYY-MM-DD for 'expires' in the ignore entry for CVE-2024-2961, found the string \"2027-02-30\""),
            .at(Self.file, 11, 14, "expected a date YYYY-MM-DD for 'expires' in the ignore entry for CVE-2024-5535, found the string \"next quarter\""),
            .at(Self.file, 12, 5, "missing required key 'expires' in the ignore entry for CVE-2024-6119"),
            .at(Self.file, 13, 13, "'reason' in the ignore entry for CVE-2024-6119 is empty; expected why the finding is accepted, e.g. \"not reachable: we do not parse untrusted XML\""),
        ])
    }

    @Test func anUnknownKeySuggestsTheNearestOne() {
        #expect(Self.diagnostics("""
            ignore:
              - id: CVE-2023-45853
                reson: accepted
                expires: 2027-01-31
            """) == [
            .at(Self.file, 2, 5, "missing required key 'reason' in the ignore entry for CVE-2023-45853"),
            .at(Self.file, 3, 5, "unknown key 'reson' in the ignore entry for CVE-2023-45853; expected one of: id, reason, expires, package (did you mean 'reason'?)"),
        ])
    }

    @Test func theSameEntryTwiceIsReported() {
        #expect(Self.diagnostics("""
            ignore:
              - { id: CVE-2024-2961, reason: a, expires: 2027-01-31, package: libc6 }
              - { id: cve-2024-2961, reason: b, expires: 2027-06-30, package: libc6 }
              - { id: CVE-2024-2961, reason: c, expires: 2027-06-30 }
            """) == [
            .at(Self.file, 3, 5, "a second ignore entry for cve-2024-2961 in libc6; the first is at security/scan-ignore.yaml:2:5. Keep one, with the later expiry if that is meant"),
        ])
    }

    @Test func theFileMustHoldAnIgnoreList() {
        #expect(Self.diagnostics("") == [
            .at(Self.file, 1, 1, "the ignore file is empty; \(ScanIgnoreList.expectation)"),
        ])
        #expect(Self.diagnostics("ignore: CVE-2023-45853") == [
            .at(Self.file, 1, 9, "expected a list for 'ignore' in the ignore file, found the string \"CVE-2023-45853\""),
        ])
        #expect(Self.diagnostics("- id: CVE-2023-45853") == [
            .at(Self.file, 1, 1, "expected the ignore file as a mapping, found a list"),
        ])
        #expect(Self.diagnostics("ignores: []") == [
            .at(Self.file, 1, 1, "unknown key 'ignores' in the ignore file; expected one of: ignore (did you mean 'ignore'?)"),
            .at(Self.file, 1, 1, "missing required key 'ignore' in the ignore file"),
        ])
        #expect(Self.diagnostics("ignore:\n  - id: [unclosed\n").first?.location.line == 3)
    }

    @Test func bytesMustBeUTF8() throws {
        let error = #expect(throws: ScanIgnoreListError.self) {
            try ScanIgnoreList.parse(Data([0x69, 0x67, 0xFF, 0xFE]), file: Self.file)
        }
        #expect(error?.file == Self.file)
        #expect(error?.description == "security/scan-ignore.yaml:1:1: the ignore file is not UTF-8 text; expected YAML with an `ignore:` list")
        #expect(try ScanIgnoreList.parse(Data("ignore: []".utf8), file: Self.file).entries == [])
    }

    @Test func calendarDaysAreWrittenYYYYMMDD() throws {
        #expect(CalendarDay("2028-02-29")?.description == "2028-02-29")
        #expect(CalendarDay("2027-02-29") == nil)
        #expect(CalendarDay("2027-1-31") == nil)
        #expect(CalendarDay("2027-01-31T00:00:00Z") == nil)
        #expect(CalendarDay("27-01-31") == nil)
        #expect(try ScanFixture.day("2027-01-31").start == ScanFixture.instant("2027-01-31T00:00:00Z"))
        #expect(try ScanFixture.day("2027-01-31") < ScanFixture.day("2027-02-01"))
    }
}
