import Foundation
import SlipwayCore
import Testing

@Suite("drift: text divergence and the check's verdict")
struct DriftCheckTests {
    @Test("the same words diverge by 0, whatever the case and punctuation")
    func identical() {
        #expect(TextDivergence.between("Hello, world.", "hello world") == 0)
        #expect(TextDivergence.between("", "") == 0)
    }

    @Test("one word replaced in four is a divergence of 0.25; nothing in common is 1")
    func partial() {
        #expect(TextDivergence.between("the quick brown fox", "the quick red fox") == 0.25)
        #expect(TextDivergence.between("a b c", "x y z") == 1)
        #expect(TextDivergence.between("answer", "") == 1)
    }

    @Test("an answer twice as long diverges by the share of added words")
    func longer() {
        #expect(TextDivergence.between("one two three four", "one two three four five six seven eight") == 0.5)
    }

    func result(_ prompts: [DriftPromptResult], compared: Bool = true) -> DriftCheckResult {
        DriftCheckResult(name: "drift", maxDivergence: 0.3, compared: compared, prompts: prompts, startedAt: Date(), finishedAt: Date())
    }

    @Test("the check fails on a divergence above the bound and names the prompt")
    func verdict() {
        let within = DriftPromptResult(prompt: "p1", baseline: "a", candidate: "a", divergence: 0.3, error: nil)
        let beyond = DriftPromptResult(prompt: "p2", baseline: "a", candidate: "b", divergence: 0.8, error: nil)
        #expect(result([within]).passed)
        let failed = result([within, beyond])
        #expect(!failed.passed)
        #expect(failed.failures == ["\"p2\": the answers diverge by 0.80 (at most 0.30 allowed)"])
        #expect(failed.worstDivergence == 0.8)
    }

    @Test("a prompt the new release did not answer fails the check, compared or not")
    func unanswered() {
        let missing = DriftPromptResult(prompt: "p", baseline: nil, candidate: nil, divergence: nil, error: "502 from the new release")
        #expect(result([missing], compared: false).failures == ["\"p\": 502 from the new release"])
    }

    @Test("with no running release to compare with, answered prompts pass")
    func firstRelease() {
        let answered = DriftPromptResult(prompt: "p", baseline: nil, candidate: "words", divergence: nil, error: nil)
        #expect(result([answered], compared: false).passed)
        #expect(!result([answered], compared: true).passed)
    }
}
