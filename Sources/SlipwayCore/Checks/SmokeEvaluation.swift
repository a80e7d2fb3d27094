import Foundation

/// Judges one smoke request's answer against what the check expects of it. Pure: the caller
/// sends the request and measures it; this only compares.
public enum SmokeEvaluation {
    /// Every way the answer falls short, as sentences a release engineer can act on; empty when
    /// the answer is as expected.
    ///
    /// - Parameters:
    ///   - request: the smoke request, with its expected status, JSON values and latency budget.
    ///   - status: the HTTP status the service answered.
    ///   - body: the answer's body as JSON, or nil when it was empty or not JSON.
    ///   - latency: how long the answer took, from sending the request to the end of the body.
    public static func mismatches(for request: SmokeRequest, status: Int, body: JSONValue?, latency: Duration) -> [String] {
        var mismatches: [String] = []
        if status != request.expectStatus {
            mismatches.append("status \(status), expected \(request.expectStatus)")
        }
        for expectation in request.expectJSON {
            guard let body else {
                mismatches.append(
                    "\(expectation.path) is absent (the answer is not JSON), expected \(expectation.expected)"
                )
                continue
            }
            guard let actual = expectation.path.evaluate(in: body) else {
                mismatches.append("\(expectation.path) is absent, expected \(expectation.expected)")
                continue
            }
            if actual != expectation.expected {
                mismatches.append("\(expectation.path) is \(actual), expected \(expectation.expected)")
            }
        }
        if let budget = request.latencyBudget, latency > budget {
            mismatches.append(
                "took \(milliseconds(latency)), over the latency budget of \(milliseconds(budget))"
            )
        }
        return mismatches
    }

    /// `duration` in whole milliseconds, e.g. `"512 ms"`.
    static func milliseconds(_ duration: Duration) -> String {
        "\(Int(millisecondsValue(duration).rounded())) ms"
    }

    /// `duration` in milliseconds, with fractions, for reports.
    public static func millisecondsValue(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
