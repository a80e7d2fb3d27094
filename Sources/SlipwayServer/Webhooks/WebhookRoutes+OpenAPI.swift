extension WebhookRoutes {
    var openAPISchemas: String {
        #"""
        {
          "DeliveryAnswer": {
            "type": "object",
            "required": ["status", "message", "delivery"],
            "properties": {
              "status": { "type": "string", "enum": ["triggered", "ignored", "pong", "duplicate"] },
              "message": { "type": "string", "description": "What was done, or why nothing was." },
              "delivery": { "type": "string", "description": "The delivery id the answer is about." }
            }
          }
        }
        """#
    }

    var openAPIPaths: String {
        #"""
        {
          "/hooks/github": {
            "post": {
              "operationId": "githubWebhook",
              "summary": "Receive a GitHub webhook delivery",
              "description": "Checks `X-Hub-Signature-256` on the raw body before reading anything in it. A `push` to the watched pipeline's branch asks the watcher to poll now (it reads the tip from git; `after` in the payload is never used) and is answered 202 at once, the run starting afterwards. `ping` is answered 200. Other refs and events are answered 202 and ignored. A delivery id (`X-GitHub-Delivery`) seen before is answered 200 and does nothing. JSON and `application/x-www-form-urlencoded` (`payload=`) bodies are read.",
              "tags": ["webhooks"],
              "security": [{ "githubSignature": [] }],
              "parameters": [
                { "name": "X-GitHub-Event", "in": "header", "required": true, "schema": { "type": "string" }, "example": "push" },
                { "name": "X-GitHub-Delivery", "in": "header", "required": true, "schema": { "type": "string", "maxLength": 200 } },
                { "name": "X-Hub-Signature-256", "in": "header", "required": true, "schema": { "type": "string", "pattern": "^sha256=[0-9a-fA-F]{64}$" } }
              ],
              "requestBody": {
                "required": true,
                "content": {
                  "application/json": { "schema": { "type": "object", "properties": { "ref": { "type": "string", "example": "refs/heads/main" }, "deleted": { "type": "boolean" } } } },
                  "application/x-www-form-urlencoded": { "schema": { "type": "object", "properties": { "payload": { "type": "string" } } } }
                }
              },
              "responses": {
                "200": { "description": "`ping` answered (`pong`), or a duplicate delivery (`duplicate`): nothing done.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DeliveryAnswer" } } } },
                "202": { "description": "Accepted: `triggered` (the watcher polls now) or `ignored`.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DeliveryAnswer" } } } },
                "400": { "$ref": "#/components/responses/Error" },
                "401": { "$ref": "#/components/responses/Error" },
                "404": { "$ref": "#/components/responses/Error" },
                "413": { "$ref": "#/components/responses/Error" },
                "503": { "$ref": "#/components/responses/Error" }
              }
            }
          },
          "/hooks/gitlab": {
            "post": {
              "operationId": "gitlabWebhook",
              "summary": "Receive a GitLab webhook delivery",
              "description": "Checks `X-Gitlab-Token` before reading the body. A `Push Hook` to the watched pipeline's branch asks the watcher to poll now (202); other refs and events are ignored (202). Deliveries are told apart by `Idempotency-Key` (GitLab 17.4 and later, the same across retries), else `X-Gitlab-Event-UUID`; one seen before is answered 200 and does nothing.",
              "tags": ["webhooks"],
              "security": [{ "gitlabToken": [] }],
              "parameters": [
                { "name": "X-Gitlab-Event", "in": "header", "required": true, "schema": { "type": "string" }, "example": "Push Hook" },
                { "name": "Idempotency-Key", "in": "header", "required": false, "schema": { "type": "string", "maxLength": 200 } },
                { "name": "X-Gitlab-Event-UUID", "in": "header", "required": false, "schema": { "type": "string", "maxLength": 200 } },
                { "name": "X-Gitlab-Token", "in": "header", "required": true, "schema": { "type": "string" } }
              ],
              "requestBody": {
                "required": true,
                "content": { "application/json": { "schema": { "type": "object", "properties": { "object_kind": { "type": "string" }, "ref": { "type": "string", "example": "refs/heads/main" } } } } }
              },
              "responses": {
                "200": { "description": "A duplicate delivery: nothing done.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DeliveryAnswer" } } } },
                "202": { "description": "Accepted: `triggered` or `ignored`.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DeliveryAnswer" } } } },
                "400": { "$ref": "#/components/responses/Error" },
                "401": { "$ref": "#/components/responses/Error" },
                "404": { "$ref": "#/components/responses/Error" },
                "413": { "$ref": "#/components/responses/Error" },
                "503": { "$ref": "#/components/responses/Error" }
              }
            }
          }
        }
        """#
    }
}
