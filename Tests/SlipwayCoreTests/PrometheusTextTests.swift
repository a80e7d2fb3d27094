import SlipwayCore
import Testing

@Suite struct PrometheusTextTests {
    @Test func readsHelpTypeLabelsAndValues() throws {
        let text = """
            # HELP modelserve_requests_total Requests answered, by route and status.
            # TYPE modelserve_requests_total counter
            modelserve_requests_total{route="generate",status="200",release="r1"} 7
            modelserve_requests_total{route="generate",status="502",release="r1"} 2.0

            # TYPE modelserve_queue_depth gauge
            modelserve_queue_depth{release="r1"} 0.0
            up 1
            """
        let samples = try PrometheusText.parse(text)
        #expect(samples == [
            PrometheusSample(name: "modelserve_requests_total", labels: ["route": "generate", "status": "200", "release": "r1"], value: 7),
            PrometheusSample(name: "modelserve_requests_total", labels: ["route": "generate", "status": "502", "release": "r1"], value: 2),
            PrometheusSample(name: "modelserve_queue_depth", labels: ["release": "r1"], value: 0),
            PrometheusSample(name: "up", value: 1),
        ])
    }

    @Test func readsSpecialValuesAndTimestamps() throws {
        let samples = try PrometheusText.parse("""
            a_bucket{le="+Inf"} +Inf
            b -Inf 1700000000000
            c NaN
            d 1.5e-3 -5
            e{} 3\r
            """)
        #expect(samples.count == 5)
        #expect(samples[0].labels == ["le": "+Inf"])
        #expect(samples[0].value == .infinity)
        #expect(samples[1].value == -.infinity)
        #expect(samples[1].timestamp == 1_700_000_000_000)
        #expect(samples[2].value.isNaN)
        #expect(samples[3].value == 0.0015)
        #expect(samples[3].timestamp == -5)
        #expect(samples[4] == PrometheusSample(name: "e", value: 3))
    }

    @Test func unescapesLabelValues() throws {
        let samples = try PrometheusText.parse(#"msg{text="say \"hi\"\\n\nnext", path="C:\\dir",} 1"#)
        #expect(samples.first?.labels == ["text": "say \"hi\"\\n\nnext", "path": "C:\\dir"])
    }

    @Test func keepsCommasBracesAndSpacesInsideLabelValues() throws {
        let samples = try PrometheusText.parse(#"m{a="x, y} z",b = "é"} 2"#)
        #expect(samples.first?.labels == ["a": "x, y} z", "b": "é"])
    }

    @Test func ignoresOtherComments() throws {
        #expect(try PrometheusText.parse("# just a note\n#no space\n  \nx 1") == [PrometheusSample(name: "x", value: 1)])
    }

    @Test(arguments: [
        ("x 1\nmodelserve_x{release=\"r1\" 1", 2, "expected `,` or `}`"),
        ("x{a=b} 1", 1, "must be in double quotes"),
        ("x{a=\"b} 1", 1, "no closing quote"),
        ("x{a=\"\\t\"} 1", 1, "unknown escape"),
        ("x", 1, "has no value"),
        ("x one", 1, "not a number"),
        ("x 1 12.5", 1, "not an integer"),
        ("x 1 2 3", 1, "unexpected text"),
        ("9x 1", 1, "expected a metric name"),
        ("x{a=\"1\",a=\"2\"} 1", 1, "appears twice"),
        ("\n\n# TYPE x countr", 3, "unknown metric type"),
        ("# HELP", 1, "valid metric name"),
        ("x inf", 1, "not a number"),
    ])
    func aMalformedLineIsAnErrorNamingIt(text: String, line: Int, message: String) {
        #expect {
            try PrometheusText.parse(text)
        } throws: { error in
            guard let error = error as? PrometheusTextError else { return false }
            return error.line == line && error.message.contains(message)
                && error.description.hasPrefix("metrics line \(line): ")
        }
    }

    @Test func readsWhatTheFixturesExpose() throws {
        let samples = try AnalysisFixtures.after()
        let buckets = samples.filter { $0.name == "modelserve_request_duration_seconds_bucket" }
        #expect(buckets.count == 20)
        #expect(buckets[4].labels == ["route": "generate", "release": "r1", "le": "+Inf"])
        #expect(samples.contains(PrometheusSample(
            name: "modelserve_requests_total", labels: ["route": "generate", "status": "502", "release": "r1"], value: 4
        )))
    }
}
