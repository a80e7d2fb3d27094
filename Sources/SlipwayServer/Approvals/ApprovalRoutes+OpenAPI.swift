extension ApprovalRoutes {
    var openAPISchemas: String {
        #"""
        {
          "GateDecisionBody": {
            "type": "object",
            "required": ["verdict"],
            "additionalProperties": false,
            "description": "A decision at a promotion's gate, as `slipway approve` / `slipway reject` take it. Who decides is the token's person.",
            "properties": {
              "verdict": { "type": "string", "enum": ["approve", "reject"], "description": "`approve` (`slipway approve`) or `reject` (`slipway reject`)." },
              "comment": { "type": "string", "maxLength": 4000, "description": "`--comment`: a note for the ledger; a rejection needs one saying why." },
              "breakGlassReason": { "type": "string", "maxLength": 4000, "description": "`--break-glass --reason`: overrides a freeze window, with why the release cannot wait; approvals only, and only for a token in one of the environment's breakGlass groups." }
            }
          },
          "GateReleaseBinding": {
            "type": "object",
            "required": ["commit", "artifacts"],
            "description": "The exact release a decision is about.",
            "properties": {
              "commit": { "type": "string" },
              "artifacts": { "type": "object", "additionalProperties": { "type": "string" }, "description": "Artifact name → `sha256:` digest." },
              "model": { "type": "string", "description": "The model's digest; absent when there is none (yet)." }
            }
          },
          "GateDecisionPromotion": {
            "type": "object",
            "required": ["id", "runID", "pipeline", "environment", "commitSHA", "releaseID", "strategy", "status", "triggeredBy", "createdAt"],
            "properties": {
              "id": { "type": "integer" },
              "runID": { "type": "integer" },
              "pipeline": { "type": "string" },
              "environment": { "type": "string" },
              "commitSHA": { "type": "string" },
              "releaseID": { "type": "string" },
              "strategy": { "type": "string" },
              "status": { "type": "string", "enum": ["pending", "waiting", "progressing", "succeeded", "failed", "rolled_back", "superseded", "aborted"] },
              "triggeredBy": { "type": "string" },
              "reason": { "type": "string" },
              "createdAt": { "type": "string", "format": "date-time" },
              "startedAt": { "type": "string", "format": "date-time" },
              "finishedAt": { "type": "string", "format": "date-time" }
            }
          },
          "GateDecisionApproval": {
            "type": "object",
            "required": ["id", "promotionID", "user", "groups", "verdict", "release", "releaseDigest", "createdAt", "breakGlass"],
            "description": "A decision as the ledger recorded it.",
            "properties": {
              "id": { "type": "integer" },
              "promotionID": { "type": "integer" },
              "user": { "type": "string" },
              "groups": { "type": "array", "items": { "type": "string" }, "description": "The groups the token named." },
              "verdict": { "type": "string", "enum": ["approved", "rejected"] },
              "comment": { "type": "string" },
              "release": { "$ref": "#/components/schemas/GateReleaseBinding" },
              "releaseDigest": { "type": "string", "description": "`sha256:` of the release's canonical JSON." },
              "createdAt": { "type": "string", "format": "date-time" },
              "expiresAt": { "type": "string", "format": "date-time", "description": "When an approval stops counting." },
              "breakGlass": { "type": "boolean" },
              "reason": { "type": "string", "description": "Why glass was broken." },
              "tokenID": { "type": "integer", "description": "The API token the decision was made with." },
              "issuer": { "type": "string", "description": "The identity provider that vouched for the person (a JWT's iss)." },
              "subject": { "type": "string", "description": "The person's id at the identity provider (the JWT's sub)." },
              "email": { "type": "string", "description": "The verified email the JWT gave." }
            }
          },
          "GateStanding": {
            "type": "object",
            "required": ["state", "summary", "waitingFor", "approvedBy"],
            "properties": {
              "state": { "type": "string", "enum": ["open", "waiting", "rejected"], "description": "`open`: a runner waiting at the gate moves on at once; `rejected`: the promotion fails (it moved no traffic)." },
              "summary": { "type": "string", "description": "One line for people, as `slipway approve` prints it after `gate: `." },
              "waitingFor": { "type": "array", "items": { "type": "string" } },
              "approvedBy": { "type": "array", "items": { "type": "string" } }
            }
          },
          "GateDecisionAnswer": {
            "type": "object",
            "required": ["promotion", "approval", "gate"],
            "properties": {
              "promotion": { "$ref": "#/components/schemas/GateDecisionPromotion" },
              "approval": { "$ref": "#/components/schemas/GateDecisionApproval" },
              "gate": { "$ref": "#/components/schemas/GateStanding" }
            }
          },
          "PendingGate": {
            "type": "object",
            "required": ["promotion", "pipeline", "environment", "releaseID", "commit", "gate", "waitingFor", "decisions"],
            "description": "A promotion waiting at its gate, decided afresh now; the elements of `slipway pending --output json`.",
            "properties": {
              "promotion": { "type": "integer" },
              "pipeline": { "type": "string" },
              "environment": { "type": "string" },
              "releaseID": { "type": "string" },
              "commit": { "type": "string" },
              "waitingSince": { "type": "string", "format": "date-time" },
              "gate": { "type": "string", "enum": ["waiting", "open", "rejected"] },
              "waitingFor": { "type": "array", "items": { "type": "string" } },
              "release": { "$ref": "#/components/schemas/GateReleaseBinding" },
              "releaseDigest": { "type": "string" },
              "policy": { "type": "string", "description": "Which policy version the gate's rules come from: the one in effect in the environment, or a bootstrap." },
              "policyChange": { "type": "string", "description": "Present when the release changes the environment's policy: `this release changes prod's policy (against …): field: old → new; …`." },
              "ignored": { "type": "array", "items": { "type": "string" }, "description": "Decisions the ledger holds that no event in the chain records: never counted." },
              "decisions": {
                "type": "array",
                "items": {
                  "type": "object",
                  "required": ["user", "decision", "at", "breakGlass", "counts"],
                  "properties": {
                    "user": { "type": "string" },
                    "decision": { "type": "string", "enum": ["approved", "rejected"] },
                    "at": { "type": "string", "format": "date-time" },
                    "comment": { "type": "string" },
                    "breakGlass": { "type": "boolean" },
                    "reason": { "type": "string" },
                    "counts": { "type": "boolean", "description": "Whether it counts towards the approvals now." }
                  }
                }
              }
            }
          }
        }
        """#
    }

    var openAPIPaths: String {
        #"""
        {
          "/api/v1/promotions/{id}/approvals": {
            "post": {
              "operationId": "decideAtGate",
              "summary": "Approve or reject a promotion waiting at its gate",
              "description": "What `slipway approve` and `slipway reject` do: records the decision as the token's person, if the gate's rules allow it (an approver of the environment; under forbidSelfApproval neither the commit's author nor whoever started the run; one person once; break glass only for the environment's breakGlass groups during a freeze). A runner waiting at the gate hears of it as the decision commits.",
              "tags": ["approvals"],
              "security": [{ "bearerToken": [] }],
              "parameters": [
                { "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 }, "description": "The promotion, as `GET /api/v1/pending` lists it." }
              ],
              "requestBody": {
                "required": true,
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/GateDecisionBody" } } }
              },
              "responses": {
                "201": { "description": "Recorded; how the gate stands now.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/GateDecisionAnswer" } } } },
                "400": { "$ref": "#/components/responses/Error", "description": "The body is not JSON, or the id is not a number." },
                "401": { "$ref": "#/components/responses/Error", "description": "No token, or one that is unknown, revoked or expired." },
                "403": { "$ref": "#/components/responses/Error", "description": "The gate's rules do not let this person decide (not an approver, the commit's author, whoever started the run, break glass by someone not allowed, already approved)." },
                "404": { "$ref": "#/components/responses/Error", "description": "No such promotion." },
                "409": { "$ref": "#/components/responses/Error", "description": "The promotion is not at its gate: too late (under way or finished) or not there yet." },
                "413": { "$ref": "#/components/responses/Error", "description": "The body is larger than the server's limit." },
                "422": { "$ref": "#/components/responses/Error", "description": "JSON, but not a decision: a missing or unknown verdict, a rejection without a comment, an unknown field." }
              }
            }
          },
          "/api/v1/pending": {
            "get": {
              "operationId": "pendingGates",
              "summary": "The promotions waiting at a gate and what each waits for",
              "description": "What `slipway pending --output json` prints, oldest first. Needs a token in one of the reader groups (auditors, release-managers).",
              "tags": ["approvals"],
              "security": [{ "bearerToken": [] }],
              "responses": {
                "200": { "description": "The waiting gates.", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/PendingGate" } } } } },
                "401": { "$ref": "#/components/responses/Error", "description": "No token, or one that is unknown, revoked or expired." },
                "403": { "$ref": "#/components/responses/Error", "description": "The token is in none of the reader groups." }
              }
            }
          }
        }
        """#
    }
}
