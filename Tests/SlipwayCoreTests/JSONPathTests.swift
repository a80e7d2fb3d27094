import Foundation
import Testing
@testable import SlipwayCore

/// The small JSON paths smoke checks use: `$`, `.key`, `[index]`.
@Suite struct JSONPathTests {
    @Test(arguments: [
        ("$", [JSONPath.Component]()),
        ("$.done", [.key("done")]),
        ("$.choices[0].text", [.key("choices"), .index(0), .key("text")]),
        ("$[2]", [.index(2)]),
        ("$.a.b.c", [.key("a"), .key("b"), .key("c")]),
        ("$.items[10][3]", [.key("items"), .index(10), .index(3)]),
        ("$.model-name", [.key("model-name")]),
    ])
    func parses(text: String, components: [JSONPath.Component]) throws {
        let path = try #require(JSONPath(text))
        #expect(path.components == components)
        #expect(path.description == text)
    }

    @Test(arguments: ["", "done", "$.", "$..a", "$a", "$.a[", "$.a[]", "$.a[-1]", "$.a[x]", "$.a[1", " $.a", "$ .a"])
    func rejects(text: String) {
        #expect(JSONPath(text) == nil)
    }

    static let document = JSONValue.object([
        "done": .bool(true),
        "model": .string("ramsey-model"),
        "choices": .array([.object(["text": .string("hi"), "score": .number(0.5)]), .object(["text": .string("hello")])]),
        "empty": .null,
    ])

    @Test(arguments: [
        ("$.done", JSONValue.bool(true)),
        ("$.model", .string("ramsey-model")),
        ("$.choices[0].text", .string("hi")),
        ("$.choices[0].score", .number(0.5)),
        ("$.choices[1].text", .string("hello")),
        ("$.empty", .null),
        ("$", document),
    ])
    func evaluatesToTheValueThere(text: String, value: JSONValue) throws {
        #expect(try #require(JSONPath(text)).evaluate(in: Self.document) == value)
    }

    @Test(arguments: ["$.missing", "$.choices[2]", "$.choices[0].missing", "$.done.x", "$[0]", "$.choices.text", "$.model[0]"])
    func evaluatesToNothingWhereThereIsNoValue(text: String) throws {
        #expect(try #require(JSONPath(text)).evaluate(in: Self.document) == nil)
    }

    @Test func evaluatesAResponseBodyDecodedFromJSON() throws {
        let body = Data(#"{"done": true, "choices": [{"text": "hi", "tokens": 3}], "error": null}"#.utf8)
        let response = try JSONDecoder().decode(JSONValue.self, from: body)
        #expect(try #require(JSONPath("$.choices[0].tokens")).evaluate(in: response) == .number(3))
        #expect(try #require(JSONPath("$.done")).evaluate(in: response) == .bool(true))
        #expect(try #require(JSONPath("$.error")).evaluate(in: response) == .null)
        #expect(response["done"] == .bool(true))
    }

    @Test func jsonValuesPrintAndEncodeWithSortedKeys() throws {
        let value = JSONValue.object(["b": .array([.number(1), .number(2.5), .null]), "a": .string("x"), "c": .bool(false)])
        #expect(value.description == #"{"a": "x", "b": [1, 2.5, null], "c": false}"#)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(value), as: UTF8.self) == #"{"a":"x","b":[1,2.5,null],"c":false}"#)
        #expect(try JSONDecoder().decode(JSONValue.self, from: try encoder.encode(value)) == value)
    }
}
