import Foundation
import Hummingbird
@testable import SlipwayServer
import Testing

@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    struct Extra: RouteGroup {
        var paths: String
        func register(on router: Router<ServerContext>) {}
        var openAPIPaths: String { paths }
        var openAPISchemas: String { "{}" }
    }

    @Test("route groups' paths and schemas are merged into one 3.1 document; a path described twice is refused")
    func merged() throws {
        let extra = Extra(paths: #"{"/api/v1/promotions": {"get": {"operationId": "listPromotions", "responses": {"200": {"description": "ok"}}}}}"#)
        let text = try OpenAPIDocument.json(for: [extra], version: "9.9.9")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        #expect((document["info"] as? [String: Any])?["version"] as? String == "9.9.9")
        let paths = try #require(document["paths"] as? [String: Any])
        #expect(paths.keys.sorted() == ["/api/v1/promotions"])
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
        #expect(schemas?["Error"] != nil)

        #expect(throws: OpenAPIDocument.OpenAPIError.self) { try OpenAPIDocument.json(for: [extra, extra], version: "1") }
        #expect(throws: OpenAPIDocument.OpenAPIError.self) { try OpenAPIDocument.json(for: [Extra(paths: "{")], version: "1") }
    }
}
