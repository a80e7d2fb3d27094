import Foundation
import SlipwayCore

/// The OpenAPI 3.1 description of `slipway serve`'s HTTP API, served at `GET /openapi.json`:
/// a common frame (info, tags, security schemes, the error body) and each ``RouteGroup``'s
/// paths and schemas merged into it.
enum OpenAPIDocument {
    /// The document for `groups`, as JSON text. Fails (at start-up, in tests) when a group's
    /// fragment is not valid JSON or two groups describe the same path or schema.
    static func json(for groups: [any RouteGroup], version: String) throws -> String {
        guard case .object(var document) = try parse(frame(version: version), what: "the document frame") else {
            throw OpenAPIError(message: "the document frame is not a JSON object")
        }
        var paths: [String: JSONValue] = [:]
        var schemas: [String: JSONValue] = {
            if case .object(let components)? = document["components"], case .object(let schemas)? = components["schemas"] {
                return schemas
            }
            return [:]
        }()
        for group in groups {
            let name = String(describing: type(of: group))
            guard case .object(let groupPaths) = try parse(group.openAPIPaths, what: "\(name)'s paths"),
                  case .object(let groupSchemas) = try parse(group.openAPISchemas, what: "\(name)'s schemas")
            else { throw OpenAPIError(message: "\(name)'s paths and schemas must be JSON objects") }
            for (path, item) in groupPaths {
                guard paths.updateValue(item, forKey: path) == nil else { throw OpenAPIError(message: "\(path) is described twice") }
            }
            for (schema, body) in groupSchemas {
                guard schemas.updateValue(body, forKey: schema) == nil else { throw OpenAPIError(message: "schema \(schema) is defined twice") }
            }
        }
        document["paths"] = .object(paths)
        if case .object(var components)? = document["components"] {
            components["schemas"] = .object(schemas)
            document["components"] = .object(components)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(JSONValue.object(document)), as: UTF8.self)
    }

    struct OpenAPIError: Error, CustomStringConvertible {
        var message: String
        var description: String { "the OpenAPI document cannot be built: \(message)" }
    }

    static func parse(_ text: String, what: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw OpenAPIError(message: "\(what) is not valid JSON: \(error)")
        }
    }

    static func frame(version: String) -> String {
        #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Slipway",
            "version": "\#(version)",
            "description": "The HTTP interface of `slipway serve`: webhook triggers from GitHub and GitLab, gate decisions, the audit API, the web pages, health and Prometheus metrics. Error answers have the body `{\"error\": {\"code\", \"message\"}}`."
          },
          "tags": [
            { "name": "webhooks", "description": "Deliveries from a git host. Each proves itself with the host's shared secret (never a token); the commit is always read from git, never from the payload." },
            { "name": "operations", "description": "Health, metrics and this description; open to anyone who can reach the server." },
            { "name": "approvals", "description": "Deciding at a promotion's gate and listing the gates waiting, with an API token; the gate's rules decide whether a decision counts." },
            { "name": "audit", "description": "Runs, promotion history and each promotion's whole story, the hash chain's verification and exports; for tokens of the reader groups (auditors, release managers)." },
            { "name": "web", "description": "Server-rendered pages for people: sign in with an API token, approve or reject pending gates, read the history." }
          ],
          "components": {
            "securitySchemes": {
              "githubSignature": {
                "type": "apiKey", "in": "header", "name": "X-Hub-Signature-256",
                "description": "`sha256=` and the hex HMAC-SHA256 of the raw body keyed with $SLIPWAY_GITHUB_WEBHOOK_SECRET."
              },
              "gitlabToken": {
                "type": "apiKey", "in": "header", "name": "X-Gitlab-Token",
                "description": "The secret token, equal to $SLIPWAY_GITLAB_WEBHOOK_TOKEN."
              },
              "bearerToken": {
                "type": "http", "scheme": "bearer",
                "description": "An API token (`slipway token create`), or a JWT from the identity provider `slipway serve --oidc-issuer` trusts, for the approvals and audit routes."
              }
            },
            "schemas": {
              "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                  "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                      "code": { "type": "string", "description": "Short and stable, e.g. `unauthorized`, `malformed`, `too_large`, `not_configured`." },
                      "message": { "type": "string", "description": "What went wrong and what to do about it." }
                    }
                  }
                }
              }
            },
            "responses": {
              "Error": {
                "description": "The request was refused.",
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
              }
            }
          }
        }
        """#
    }
}
