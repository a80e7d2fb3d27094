import SlipwayEngine
import Testing

@Suite("the Ollama name of a release's model")
struct ReleaseModelNameTests {
    @Test("a model created from a Modelfile is tagged by the Modelfile's digest; a changed Modelfile gets a new tag")
    func taggedByModelfile() {
        let first = ReleaseModelName.forRelease(specName: "ramsey-model", modelfile: "FROM sim-small\n")
        let again = ReleaseModelName.forRelease(specName: "ramsey-model:latest", modelfile: "FROM sim-small\n")
        let changed = ReleaseModelName.forRelease(specName: "ramsey-model", modelfile: "FROM sim-large\n")
        #expect(first == again)
        #expect(first != changed)
        #expect(first.hasPrefix("ramsey-model:"))
        let tag = first.dropFirst("ramsey-model:".count)
        #expect(tag.allSatisfy { $0.isHexDigit })
        #expect(first.count == "ramsey-model:".count + 12)
    }

    @Test("an explicit tag is kept in front of the digest, a registry host's port is not a tag")
    func explicitTag() {
        let tagged = ReleaseModelName.forRelease(specName: "ramsey-model:v2", modelfile: "FROM x\n")
        #expect(tagged.hasPrefix("ramsey-model:v2-"))
        let hosted = ReleaseModelName.forRelease(specName: "registry:5000/team/model", modelfile: "FROM x\n")
        #expect(hosted.hasPrefix("registry:5000/team/model:"))
        #expect(!hosted.contains("latest"))
    }

    @Test("a pulled model keeps the spec's name")
    func pulled() {
        #expect(ReleaseModelName.forRelease(specName: "llama3.2:1b", modelfile: nil) == "llama3.2:1b")
        #expect(ReleaseModelName.forRelease(specName: "llama3.2", modelfile: nil) == "llama3.2:latest")
    }
}
