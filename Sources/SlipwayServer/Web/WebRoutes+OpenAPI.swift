extension WebRoutes {
    var openAPIPaths: String {
        #"""
        {
          "/ui/login": {
            "get": { "tags": ["web"], "summary": "The sign-in page (paste an API token or the identity provider's JWT); sets the sign-in CSRF cookie", "responses": { "200": { "description": "HTML", "content": { "text/html": {} } } } },
            "post": {
              "tags": ["web"], "summary": "Sign in: the CSRF field must match its cookie; the token is checked once and a server-side session starts, whose random id (never the token) is kept in an HttpOnly, SameSite=Strict cookie",
              "requestBody": { "content": { "application/x-www-form-urlencoded": { "schema": { "type": "object", "properties": { "token": { "type": "string" }, "csrf": { "type": "string" } } } } } },
              "responses": { "303": { "description": "Signed in; on to the pending gates" }, "401": { "description": "The token is not valid (HTML with the reason)" }, "403": { "description": "No CSRF value matching the sign-in cookie; nothing done" } }
            }
          },
          "/ui/logout": { "post": { "tags": ["web"], "summary": "Sign out: the session ends on the server and the cookie is cleared (needs the page's CSRF value)", "responses": { "303": { "description": "Signed out" }, "403": { "description": "The CSRF value is not the session's; still signed in" } } } },
          "/ui/pending": {
            "get": {
              "tags": ["web"], "summary": "The gates waiting, what each waits for, and Approve/Reject buttons",
              "responses": { "200": { "description": "HTML", "content": { "text/html": {} } }, "401": { "description": "Not signed in: the sign-in form" }, "403": { "description": "Signed in outside the reader groups" } }
            }
          },
          "/ui/history": {
            "get": {
              "tags": ["web"], "summary": "Promotion history, newest first, 50 a page (environment and status filters)",
              "parameters": [
                { "name": "environment", "in": "query", "schema": { "type": "string" } },
                { "name": "status", "in": "query", "schema": { "type": "string" } },
                { "name": "cursor", "in": "query", "schema": { "type": "string" } }
              ],
              "responses": { "200": { "description": "HTML", "content": { "text/html": {} } }, "401": { "description": "Not signed in: the sign-in form" }, "403": { "description": "Signed in outside the reader groups" } }
            }
          },
          "/ui/promotions/{id}/decision": {
            "post": {
              "tags": ["web"], "summary": "Approve or reject from the pending page (the form's CSRF value is required)",
              "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
              "requestBody": { "content": { "application/x-www-form-urlencoded": { "schema": { "type": "object", "properties": {
                "csrf": { "type": "string" }, "verdict": { "type": "string", "enum": ["approve", "reject"] }, "comment": { "type": "string" } } } } } },
              "responses": {
                "303": { "description": "Recorded; back to the pending page" },
                "401": { "description": "Not signed in" },
                "403": { "description": "A stale form, or the gate's rules refuse this person (HTML with the reason)" },
                "409": { "description": "The promotion is past its gate" }
              }
            }
          }
        }
        """#
    }

    var openAPISchemas: String { "{}" }
}
