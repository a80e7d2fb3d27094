extension AuditRoutes {
    var openAPISchemas: String {
        #"""
        {
          "Promotion": {
            "type": "object",
            "required": ["id", "runID", "pipeline", "environment", "commitSHA", "releaseID", "strategy", "status", "triggeredBy", "createdAt"],
            "properties": {
              "id": { "type": "integer" },
              "runID": { "type": "integer" },
              "pipeline": { "type": "string" },
              "environment": { "type": "string" },
              "commitSHA": { "type": "string", "pattern": "^[0-9a-f]{40}$" },
              "releaseID": { "type": "string" },
              "strategy": { "type": "string", "enum": ["blueGreen", "canary"] },
              "status": { "type": "string", "enum": ["pending", "waiting", "progressing", "succeeded", "failed", "rolled_back", "superseded", "aborted"] },
              "triggeredBy": { "type": "string" },
              "reason": { "type": "string", "description": "Why it failed, was rolled back or superseded; absent when none." },
              "createdAt": { "type": "string", "format": "date-time" },
              "startedAt": { "type": "string", "format": "date-time", "description": "Absent until traffic started to move." },
              "finishedAt": { "type": "string", "format": "date-time", "description": "Absent until it finished." }
            }
          },
          "PromotionPage": {
            "type": "object",
            "required": ["items", "nextCursor"],
            "properties": {
              "items": { "type": "array", "items": { "$ref": "#/components/schemas/Promotion" } },
              "nextCursor": { "type": ["string", "null"], "description": "Pass as `cursor`, with the same filters, for the next page; null on the last page." }
            }
          },
          "Run": {
            "type": "object",
            "required": ["id", "pipeline", "commitSHA", "branch", "trigger", "triggeredBy", "status", "createdAt"],
            "properties": {
              "id": { "type": "integer" },
              "pipeline": { "type": "string" },
              "commitSHA": { "type": "string", "pattern": "^[0-9a-f]{40}$" },
              "branch": { "type": "string" },
              "trigger": { "type": "string", "enum": ["manual", "poll", "webhook"] },
              "triggeredBy": { "type": "string" },
              "commitAuthor": { "type": "string" },
              "status": { "type": "string", "enum": ["pending", "running", "succeeded", "failed", "cancelled"] },
              "createdAt": { "type": "string", "format": "date-time" },
              "startedAt": { "type": "string", "format": "date-time" },
              "finishedAt": { "type": "string", "format": "date-time" }
            }
          },
          "RunPage": {
            "type": "object",
            "required": ["items", "nextCursor"],
            "properties": {
              "items": { "type": "array", "items": { "$ref": "#/components/schemas/Run" } },
              "nextCursor": { "type": ["string", "null"], "description": "Pass as `cursor`, with the same filters, for the next page; null on the last page." }
            }
          },
          "PromotionStory": {
            "type": "object",
            "required": ["promotion", "release", "steps", "checks", "approvals", "events"],
            "properties": {
              "promotion": { "$ref": "#/components/schemas/Promotion" },
              "model": { "$ref": "#/components/schemas/Model" },
              "release": {
                "type": "object",
                "description": "The release this promotion promotes, as `slipway release show --output json` prints it: its run, why the run failed, the artifacts with their sha256 digests (binary, image, SBOM), the latest scan of each name with its counts, summary, report digest and the policy's evaluation, every promotion of the release with its model, and the release's model.",
                "required": ["run", "artifacts", "scans", "promotions"],
                "properties": {
                  "run": { "$ref": "#/components/schemas/Run" },
                  "failure": { "type": "string" },
                  "releaseID": { "type": "string" },
                  "artifacts": { "type": "array", "items": { "type": "object", "properties": { "name": { "type": "string" }, "kind": { "type": "string" }, "location": { "type": "string" }, "digest": { "type": "string" }, "sizeBytes": { "type": "integer" }, "createdAt": { "type": "string", "format": "date-time" } } } },
                  "scans": { "type": "array", "items": { "type": "object", "properties": { "name": { "type": "string" }, "kind": { "type": "string", "enum": ["vulnerabilities", "sbom"] }, "tool": { "type": "string" }, "status": { "type": "string", "enum": ["passed", "failed", "not_scanned", "error"] }, "counts": { "type": "object" }, "summary": { "type": "string" }, "reportDigest": { "type": "string" }, "reportLocation": { "type": "string" }, "evaluation": { "type": "object" } } } },
                  "promotions": { "type": "array", "items": { "type": "object", "properties": { "promotion": { "$ref": "#/components/schemas/Promotion" }, "model": { "$ref": "#/components/schemas/Model" } } } },
                  "model": { "$ref": "#/components/schemas/Model" }
                }
              },
              "gateRequirements": { "type": "object", "description": "What the gate required (after which stage, soak, approvals, freeze windows, break glass), as the specs at the commit said; absent without a gate." },
              "steps": { "type": "array", "items": { "type": "object", "properties": { "id": { "type": "integer" }, "ordinal": { "type": "integer" }, "kind": { "type": "string" }, "name": { "type": "string" }, "status": { "type": "string", "enum": ["pending", "running", "succeeded", "failed", "skipped"] }, "attempt": { "type": "integer" }, "config": {}, "result": { "description": "The step's evidence." }, "logTail": { "type": "string" }, "retryAfter": { "type": "string", "format": "date-time" }, "startedAt": { "type": "string", "format": "date-time" }, "finishedAt": { "type": "string", "format": "date-time" } } } },
              "checks": { "type": "array", "description": "The smoke, drift and analysis steps with their evidence.", "items": { "type": "object", "required": ["step", "kind", "name", "status"], "properties": { "step": { "type": "integer" }, "kind": { "type": "string" }, "name": { "type": "string" }, "status": { "type": "string" }, "startedAt": { "type": "string", "format": "date-time" }, "finishedAt": { "type": "string", "format": "date-time" }, "evidence": {}, "note": { "type": "string" } } } },
              "approvals": { "type": "array", "items": { "type": "object", "properties": { "id": { "type": "integer" }, "user": { "type": "string" }, "groups": { "type": "array", "items": { "type": "string" } }, "verdict": { "type": "string", "enum": ["approved", "rejected"] }, "comment": { "type": "string" }, "release": { "type": "object", "description": "The exact release the decision binds to: commit, artifact digests, model digest." }, "releaseDigest": { "type": "string" }, "createdAt": { "type": "string", "format": "date-time" }, "expiresAt": { "type": "string", "format": "date-time" }, "breakGlass": { "type": "boolean" }, "reason": { "type": "string", "description": "Why glass was broken." }, "tokenID": { "type": "integer" } } } },
              "rollbackCause": { "type": "string", "description": "Why it was rolled back; only on a rolled_back promotion." },
              "events": { "type": "array", "items": { "$ref": "#/components/schemas/Event" } }
            }
          },
          "Model": {
            "type": "object",
            "required": ["name", "digest"],
            "properties": { "name": { "type": "string" }, "digest": { "type": "string" } }
          },
          "Event": {
            "type": "object",
            "required": ["seq", "occurredAt", "actor", "kind", "subject", "payload", "hash", "prevHash"],
            "properties": {
              "seq": { "type": "integer" },
              "occurredAt": { "type": "string", "format": "date-time" },
              "actor": { "type": "string" },
              "kind": { "type": "string", "description": "e.g. promotion.created, promotion.status, step.started, step.finished, approval.approved." },
              "subject": { "type": "string" },
              "payload": { "description": "The event's JSON, as hashed." },
              "hash": { "type": "string" },
              "prevHash": { "type": "string" }
            }
          },
          "ChainReport": {
            "type": "object",
            "required": ["ok", "intact", "events", "headHash", "firstBreak", "expectedHead", "expectedHeadFound", "message"],
            "properties": {
              "ok": { "type": "boolean", "description": "The chain verifies and, when expectHead was given, contains it." },
              "intact": { "type": "boolean", "description": "Every event's hash matches its contents and its predecessor." },
              "events": { "type": "integer", "description": "Events checked, up to and including the first break." },
              "headHash": { "type": "string", "description": "The last event's hash (when broken: the last good one's). Keep it outside the database and pass it back as expectHead." },
              "firstBreak": { "type": ["object", "null"], "properties": { "seq": { "type": "integer" }, "reason": { "type": "string" } } },
              "expectedHead": { "type": ["string", "null"] },
              "expectedHeadFound": { "type": ["boolean", "null"], "description": "Null when expectHead was not given or the chain is broken." },
              "message": { "type": "string" }
            }
          }
        }
        """#
    }

    var openAPIPaths: String {
        #"""
        {
          "/api/v1/runs": {
            "get": {
              "operationId": "listRuns",
              "summary": "Runs, newest first",
              "tags": ["audit"],
              "security": [{ "bearerToken": [] }],
              "parameters": [
                { "name": "pipeline", "in": "query", "schema": { "type": "string" } },
                { "name": "status", "in": "query", "schema": { "type": "string", "enum": ["pending", "running", "succeeded", "failed", "cancelled"] } },
                { "name": "commit", "in": "query", "description": "A commit SHA or a prefix of at least 4 hexadecimal characters.", "schema": { "type": "string", "pattern": "^[0-9a-fA-F]{4,40}$" } },
                { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 500, "default": 50 } },
                { "name": "cursor", "in": "query", "description": "The nextCursor of the previous page.", "schema": { "type": "string" } }
              ],
              "responses": {
                "200": { "description": "A page of runs.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RunPage" } } } },
                "400": { "$ref": "#/components/responses/Error" }, "401": { "$ref": "#/components/responses/Error" }, "403": { "$ref": "#/components/responses/Error" }
              }
            }
          },
          "/api/v1/promotions": {
            "get": {
              "operationId": "listPromotions",
              "summary": "Promotions, newest first, filtered (what `slipway history` lists)",
              "tags": ["audit"],
              "security": [{ "bearerToken": [] }],
              "parameters": [
                { "name": "environment", "in": "query", "schema": { "type": "string" } }, { "name": "pipeline", "in": "query", "schema": { "type": "string" } },
                { "name": "status", "in": "query", "schema": { "type": "string", "enum": ["pending", "waiting", "progressing", "succeeded", "failed", "rolled_back", "superseded", "aborted"] } }, { "name": "actor", "in": "query", "description": "Who triggered the promotion or decided one of its approvals.", "schema": { "type": "string" } },
                { "name": "commit", "in": "query", "description": "A commit SHA or a prefix of at least 4 hexadecimal characters.", "schema": { "type": "string", "pattern": "^[0-9a-fA-F]{4,40}$" } }, { "name": "since", "in": "query", "description": "Created at or after this ISO-8601 time (2026-11-23T14:00:00Z, an offset, or a date: midnight UTC).", "schema": { "type": "string" } }, { "name": "until", "in": "query", "description": "Created before this ISO-8601 time.", "schema": { "type": "string" } },
                { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 500, "default": 50 } }, { "name": "cursor", "in": "query", "description": "The nextCursor of the previous page.", "schema": { "type": "string" } }
              ],
              "responses": {
                "200": { "description": "A page of promotions.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PromotionPage" } } } },
                "400": { "$ref": "#/components/responses/Error" }, "401": { "$ref": "#/components/responses/Error" }, "403": { "$ref": "#/components/responses/Error" }
              }
            }
          },
          "/api/v1/promotions/export": {
            "get": {
              "operationId": "exportPromotions",
              "summary": "Every promotion the filters match, as a CSV or JSON attachment",
              "description": "No page limit: the answer is streamed a thousand promotions at a time. CSV (RFC 4180, CRLF) has a header row: id, run_id, pipeline, environment, status, commit, release, strategy, triggered_by, created_at, started_at, finished_at, reason. JSON is `{\"items\": [Promotion...]}`.",
              "tags": ["audit"],
              "security": [{ "bearerToken": [] }],
              "parameters": [
                { "name": "format", "in": "query", "schema": { "type": "string", "enum": ["csv", "json"], "default": "csv" } },
                { "name": "environment", "in": "query", "schema": { "type": "string" } }, { "name": "pipeline", "in": "query", "schema": { "type": "string" } },
                { "name": "status", "in": "query", "schema": { "type": "string", "enum": ["pending", "waiting", "progressing", "succeeded", "failed", "rolled_back", "superseded", "aborted"] } }, { "name": "actor", "in": "query", "description": "Who triggered the promotion or decided one of its approvals.", "schema": { "type": "string" } },
                { "name": "commit", "in": "query", "description": "A commit SHA or a prefix of at least 4 hexadecimal characters.", "schema": { "type": "string", "pattern": "^[0-9a-fA-F]{4,40}$" } }, { "name": "since", "in": "query", "description": "Created at or after this ISO-8601 time (2026-11-23T14:00:00Z, an offset, or a date: midnight UTC).", "schema": { "type": "string" } }, { "name": "until", "in": "query", "description": "Created before this ISO-8601 time.", "schema": { "type": "string" } }
              ],
              "responses": {
                "200": {
                  "description": "The export, with `Content-Disposition: attachment`.",
                  "content": {
                    "text/csv": { "schema": { "type": "string" } },
                    "application/json": { "schema": { "type": "object", "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/Promotion" } } } } }
                  }
                },
                "400": { "$ref": "#/components/responses/Error" }, "401": { "$ref": "#/components/responses/Error" }, "403": { "$ref": "#/components/responses/Error" }
              }
            }
          },
          "/api/v1/promotions/{id}": {
            "get": {
              "operationId": "showPromotion",
              "summary": "The whole story of one promotion",
              "tags": ["audit"],
              "security": [{ "bearerToken": [] }],
              "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } }],
              "responses": {
                "200": { "description": "The release, scans, steps, checks with evidence, approvals, rollback cause and events.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PromotionStory" } } } },
                "400": { "$ref": "#/components/responses/Error" }, "401": { "$ref": "#/components/responses/Error" }, "403": { "$ref": "#/components/responses/Error" },
                "404": { "$ref": "#/components/responses/Error" }
              }
            }
          },
          "/api/v1/audit/verify": {
            "get": {
              "operationId": "verifyAudit",
              "summary": "Recompute the event log's hash chain (what `slipway audit verify` does)",
              "description": "Answers 200 whether or not the chain verifies: read `ok`. Reads every event, so it takes time in proportion to the log.",
              "tags": ["audit"],
              "security": [{ "bearerToken": [] }],
              "parameters": [
                { "name": "expectHead", "in": "query", "description": "A headHash recorded earlier: `ok` is false unless the chain still contains it (proves no events were removed from the end).", "schema": { "type": "string", "pattern": "^[0-9a-fA-F]{64}$" } }
              ],
              "responses": {
                "200": { "description": "The verification.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ChainReport" } } } },
                "400": { "$ref": "#/components/responses/Error" }, "401": { "$ref": "#/components/responses/Error" }, "403": { "$ref": "#/components/responses/Error" }
              }
            }
          }
        }
        """#
    }
}
