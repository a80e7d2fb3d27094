extension OperationsRoutes {
    var openAPISchemas: String {
        #"""
        {
          "Health": {
            "type": "object",
            "required": ["status", "database"],
            "properties": {
              "status": { "type": "string", "enum": ["ok", "unavailable"] },
              "database": { "type": "string", "description": "`reachable`, or why not." },
              "schemaVersion": { "type": "integer", "description": "The ledger's schema version, when the database answered." }
            }
          }
        }
        """#
    }

    var openAPIPaths: String {
        #"""
        {
          "/healthz": {
            "get": {
              "operationId": "health",
              "summary": "Whether the server and its database answer",
              "tags": ["operations"],
              "responses": {
                "200": { "description": "The ledger's database answered.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Health" } } } },
                "503": { "description": "The database did not answer in time.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Health" } } } }
              }
            }
          },
          "/metrics": {
            "get": {
              "operationId": "metrics",
              "summary": "Prometheus metrics",
              "description": "`slipway_webhook_deliveries_total{provider,outcome}`, `slipway_http_requests_total{route,status}`, `slipway_http_request_duration_seconds{route}`, `slipway_runs_started_total{resumed}`, `slipway_promotions_total{environment,result}`, `slipway_gate_wait_seconds{environment}`, `slipway_step_duration_seconds{kind,environment,status}`. Runs, promotions, gates and steps are those this process drove since it started.",
              "tags": ["operations"],
              "responses": {
                "200": { "description": "The Prometheus text exposition format, version 0.0.4.", "content": { "text/plain": { "schema": { "type": "string" } } } }
              }
            }
          },
          "/openapi.json": {
            "get": {
              "operationId": "openapi",
              "summary": "This description",
              "tags": ["operations"],
              "responses": {
                "200": { "description": "The OpenAPI 3.1 document.", "content": { "application/json": { "schema": { "type": "object" } } } }
              }
            }
          }
        }
        """#
    }
}
