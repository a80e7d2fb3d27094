/// The OpenAPI 3.1 description of ModelServe's HTTP API, served at `GET /openapi.json`.
enum OpenAPIDocument {
    /// The document as JSON text.
    static let json: String = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "ModelServe",
        "version": "0.2.0",
        "description": "An authenticated, rate-limited HTTP service in front of Ollama: text generation, chat and embeddings, with probes, metrics and version information. Every response carries `X-Request-ID`; error answers have the body `{\"error\": {\"code\", \"message\", \"request_id\"}}`."
      },
      "tags": [
        {
          "name": "inference",
          "description": "Model calls; need an API key."
        },
        {
          "name": "operations",
          "description": "Probes, metrics, version and this description; need no key."
        }
      ],
      "paths": {
        "/v1/generate": {
          "post": {
            "operationId": "generate",
            "summary": "Complete a prompt",
            "description": "Generates a completion of one prompt. Needs an API key whose scopes include `generate` (or `*`).",
            "tags": [
              "inference"
            ],
            "security": [
              {
                "apiKey": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/RequestID"
              },
              {
                "$ref": "#/components/parameters/Accept"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/GenerateBody"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The answer. Non-streamed (`stream` false or absent): `application/json`. Streamed (`stream: true`): `application/x-ndjson`, one `StreamChunk` JSON per line; or, when the request's `Accept` header includes `text/event-stream`, `text/event-stream` with each chunk sent as `data: <StreamChunk JSON>` followed by a blank line. The last chunk has `done: true`; a stream cut short carries `error`.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/GenerateResponse"
                    }
                  },
                  "application/x-ndjson": {
                    "schema": {
                      "$ref": "#/components/schemas/StreamChunk"
                    }
                  },
                  "text/event-stream": {
                    "schema": {
                      "type": "string",
                      "description": "Server-sent events; each event is `data: <StreamChunk JSON>` followed by a blank line."
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/MalformedJSON"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "413": {
                "$ref": "#/components/responses/BodyTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "422": {
                "$ref": "#/components/responses/ValidationFailed"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              },
              "502": {
                "$ref": "#/components/responses/UpstreamError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              },
              "504": {
                "$ref": "#/components/responses/DeadlineExceeded"
              }
            }
          }
        },
        "/v1/chat": {
          "post": {
            "operationId": "chat",
            "summary": "Continue a conversation",
            "description": "Generates the next assistant message of a conversation. Needs an API key whose scopes include `chat` (or `*`).",
            "tags": [
              "inference"
            ],
            "security": [
              {
                "apiKey": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/RequestID"
              },
              {
                "$ref": "#/components/parameters/Accept"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/ChatBody"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The answer. Non-streamed (`stream` false or absent): `application/json`. Streamed (`stream: true`): `application/x-ndjson`, one `StreamChunk` JSON per line; or, when the request's `Accept` header includes `text/event-stream`, `text/event-stream` with each chunk sent as `data: <StreamChunk JSON>` followed by a blank line. The last chunk has `done: true`; a stream cut short carries `error`.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ChatResponse"
                    }
                  },
                  "application/x-ndjson": {
                    "schema": {
                      "$ref": "#/components/schemas/StreamChunk"
                    }
                  },
                  "text/event-stream": {
                    "schema": {
                      "type": "string",
                      "description": "Server-sent events; each event is `data: <StreamChunk JSON>` followed by a blank line."
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/MalformedJSON"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "413": {
                "$ref": "#/components/responses/BodyTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "422": {
                "$ref": "#/components/responses/ValidationFailed"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              },
              "502": {
                "$ref": "#/components/responses/UpstreamError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              },
              "504": {
                "$ref": "#/components/responses/DeadlineExceeded"
              }
            }
          }
        },
        "/v1/embeddings": {
          "post": {
            "operationId": "embeddings",
            "summary": "Embed texts",
            "description": "Computes an embedding vector for each input text. Needs an API key whose scopes include `embeddings` (or `*`).",
            "tags": [
              "inference"
            ],
            "security": [
              {
                "apiKey": []
              }
            ],
            "parameters": [
              {
                "$ref": "#/components/parameters/RequestID"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/EmbeddingsBody"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The embeddings, one per input in order.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/EmbeddingsResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/MalformedJSON"
              },
              "401": {
                "$ref": "#/components/responses/Unauthorized"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "413": {
                "$ref": "#/components/responses/BodyTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "422": {
                "$ref": "#/components/responses/ValidationFailed"
              },
              "429": {
                "$ref": "#/components/responses/RateLimited"
              },
              "502": {
                "$ref": "#/components/responses/UpstreamError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              },
              "504": {
                "$ref": "#/components/responses/DeadlineExceeded"
              }
            }
          }
        },
        "/health": {
          "get": {
            "operationId": "health",
            "summary": "Liveness probe",
            "description": "Answers 200 while the process is alive.",
            "tags": [
              "operations"
            ],
            "security": [],
            "parameters": [
              {
                "$ref": "#/components/parameters/RequestID"
              }
            ],
            "responses": {
              "200": {
                "description": "The process is alive.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/HealthStatus"
                    },
                    "example": {
                      "status": "ok"
                    }
                  }
                }
              }
            }
          }
        },
        "/ready": {
          "get": {
            "operationId": "ready",
            "summary": "Readiness probe",
            "description": "Answers 200 when an upstream Ollama answers and has the configured model; 503 otherwise, and while shutting down.",
            "tags": [
              "operations"
            ],
            "security": [],
            "parameters": [
              {
                "$ref": "#/components/parameters/RequestID"
              }
            ],
            "responses": {
              "200": {
                "description": "Ready to serve.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ReadyStatus"
                    },
                    "example": {
                      "status": "ready",
                      "reason": "an upstream Ollama answers and has llama3.2:1b"
                    }
                  }
                }
              },
              "503": {
                "description": "Not ready: no upstream answers, none has the model, or the server is shutting down.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ReadyStatus"
                    },
                    "example": {
                      "status": "not_ready",
                      "reason": "no upstream Ollama answers"
                    }
                  }
                }
              }
            }
          }
        },
        "/metrics": {
          "get": {
            "operationId": "metrics",
            "summary": "Prometheus metrics",
            "description": "The service's metrics in the Prometheus text exposition format (version 0.0.4).",
            "tags": [
              "operations"
            ],
            "security": [],
            "parameters": [
              {
                "$ref": "#/components/parameters/RequestID"
              }
            ],
            "responses": {
              "200": {
                "description": "Prometheus text exposition format 0.0.4 (`text/plain; version=0.0.4`).",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "text/plain": {
                    "schema": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          }
        },
        "/version": {
          "get": {
            "operationId": "version",
            "summary": "Service version",
            "description": "The service's version, release, build commit and model.",
            "tags": [
              "operations"
            ],
            "security": [],
            "parameters": [
              {
                "$ref": "#/components/parameters/RequestID"
              }
            ],
            "responses": {
              "200": {
                "description": "The version information.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/VersionInfo"
                    }
                  }
                }
              }
            }
          }
        },
        "/openapi.json": {
          "get": {
            "operationId": "openapi",
            "summary": "This API description",
            "description": "The OpenAPI 3.1 description of ModelServe's HTTP API (this document).",
            "tags": [
              "operations"
            ],
            "security": [],
            "parameters": [
              {
                "$ref": "#/components/parameters/RequestID"
              }
            ],
            "responses": {
              "200": {
                "description": "The OpenAPI document.",
                "headers": {
                  "X-Request-ID": {
                    "$ref": "#/components/headers/XRequestID"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object"
                    }
                  }
                }
              }
            }
          }
        }
      },
      "components": {
        "schemas": {
          "SamplingParameters": {
            "type": "object",
            "description": "Generation settings a generate or chat request may carry, flat in its body. Each is optional; unset settings are left to the model's defaults.",
            "properties": {
              "temperature": {
                "type": "number",
                "minimum": 0,
                "maximum": 2,
                "description": "Sampling temperature."
              },
              "max_tokens": {
                "type": "integer",
                "minimum": 1,
                "maximum": 4096,
                "description": "The most tokens to generate (when absent, the model's own default applies). At most the server's limit (`--max-tokens`, 4096 unless configured otherwise)."
              },
              "top_p": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "description": "Nucleus sampling probability mass."
              },
              "top_k": {
                "type": "integer",
                "minimum": 1,
                "maximum": 1000,
                "description": "Sample among the k most likely tokens."
              },
              "seed": {
                "type": "integer",
                "description": "Random seed, for reproducible output."
              },
              "stop": {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "maxItems": 8,
                "description": "Sequences that end generation (at most the server's limit, 8 by default)."
              }
            }
          },
          "GenerateBody": {
            "description": "The body of `POST /v1/generate`: a completion of one prompt.",
            "allOf": [
              {
                "$ref": "#/components/schemas/SamplingParameters"
              },
              {
                "type": "object",
                "required": [
                  "prompt"
                ],
                "properties": {
                  "model": {
                    "type": "string",
                    "description": "The model to use; defaults to the server's first `--model`. An unknown model is answered 422.",
                    "examples": [
                      "llama3.2:1b"
                    ]
                  },
                  "prompt": {
                    "type": "string",
                    "minLength": 1,
                    "description": "The prompt. Together with `system`, at most the server's prompt limit (32 KiB of UTF-8 by default)."
                  },
                  "system": {
                    "type": "string",
                    "description": "A system prompt."
                  },
                  "stream": {
                    "type": "boolean",
                    "default": false,
                    "description": "Stream the answer as `application/x-ndjson` lines (or `text/event-stream` events when the request's `Accept` includes `text/event-stream`) of `StreamChunk`."
                  }
                }
              }
            ],
            "example": {
              "model": "llama3.2:1b",
              "prompt": "Why is the sky blue?",
              "stream": false,
              "temperature": 0,
              "max_tokens": 256
            }
          },
          "ChatMessage": {
            "type": "object",
            "required": [
              "role",
              "content"
            ],
            "properties": {
              "role": {
                "type": "string",
                "enum": [
                  "system",
                  "user",
                  "assistant",
                  "tool"
                ]
              },
              "content": {
                "type": "string"
              }
            }
          },
          "ChatBody": {
            "description": "The body of `POST /v1/chat`: the next assistant message of a conversation.",
            "allOf": [
              {
                "$ref": "#/components/schemas/SamplingParameters"
              },
              {
                "type": "object",
                "required": [
                  "messages"
                ],
                "properties": {
                  "model": {
                    "type": "string",
                    "description": "The model to use; defaults to the server's first `--model`. An unknown model is answered 422.",
                    "examples": [
                      "llama3.2:1b"
                    ]
                  },
                  "messages": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/ChatMessage"
                    },
                    "minItems": 1,
                    "maxItems": 64,
                    "description": "The conversation so far: at least one message, at most the server's limit (64 by default); their content together at most the server's limit (64 KiB of UTF-8 by default)."
                  },
                  "stream": {
                    "type": "boolean",
                    "default": false,
                    "description": "Stream the answer as `application/x-ndjson` lines (or `text/event-stream` events when the request's `Accept` includes `text/event-stream`) of `StreamChunk`."
                  }
                }
              }
            ],
            "example": {
              "model": "llama3.2:1b",
              "messages": [
                {
                  "role": "user",
                  "content": "Hello!"
                }
              ],
              "stream": true,
              "temperature": 0.7
            }
          },
          "EmbeddingsBody": {
            "type": "object",
            "description": "The body of `POST /v1/embeddings`.",
            "required": [
              "input"
            ],
            "properties": {
              "model": {
                "type": "string",
                "description": "The model to use; defaults to the server's first `--model`. An unknown model is answered 422.",
                "examples": [
                  "llama3.2:1b"
                ]
              },
              "input": {
                "description": "One text, or a list of texts (at least 1, at most the server's limit, 128 by default). Each text at most the server's prompt limit.",
                "oneOf": [
                  {
                    "type": "string"
                  },
                  {
                    "type": "array",
                    "items": {
                      "type": "string"
                    },
                    "minItems": 1,
                    "maxItems": 128
                  }
                ]
              }
            },
            "example": {
              "model": "nomic-embed-text",
              "input": [
                "first text",
                "second text"
              ]
            }
          },
          "Usage": {
            "type": "object",
            "description": "Tokens read and written, from Ollama's counts.",
            "required": [
              "prompt_tokens",
              "completion_tokens"
            ],
            "properties": {
              "prompt_tokens": {
                "type": "integer",
                "minimum": 0
              },
              "completion_tokens": {
                "type": "integer",
                "minimum": 0
              }
            }
          },
          "CompletionResponse": {
            "type": "object",
            "description": "The answer of a non-streamed generate (`response` set) or chat (`message` set) request.",
            "required": [
              "id",
              "model",
              "done",
              "usage",
              "cached"
            ],
            "properties": {
              "id": {
                "type": "string",
                "description": "The request id (also in the `X-Request-ID` header)."
              },
              "model": {
                "type": "string"
              },
              "response": {
                "type": "string",
                "description": "The generated text (generate only)."
              },
              "message": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/ChatMessage"
                  }
                ],
                "description": "The assistant's message (chat only); `role` is `assistant`."
              },
              "done": {
                "type": "boolean",
                "const": true,
                "description": "Always true: the answer is complete."
              },
              "done_reason": {
                "type": "string",
                "description": "Why generation stopped, as Ollama reports it (e.g. `stop`, `length`); absent when not reported.",
                "examples": [
                  "stop"
                ]
              },
              "usage": {
                "$ref": "#/components/schemas/Usage"
              },
              "cached": {
                "type": "boolean",
                "description": "Whether the answer came from the response cache."
              }
            }
          },
          "GenerateResponse": {
            "description": "The answer of a non-streamed `POST /v1/generate`.",
            "allOf": [
              {
                "$ref": "#/components/schemas/CompletionResponse"
              },
              {
                "type": "object",
                "required": [
                  "response"
                ]
              }
            ]
          },
          "ChatResponse": {
            "description": "The answer of a non-streamed `POST /v1/chat`.",
            "allOf": [
              {
                "$ref": "#/components/schemas/CompletionResponse"
              },
              {
                "type": "object",
                "required": [
                  "message"
                ]
              }
            ]
          },
          "StreamChunk": {
            "type": "object",
            "description": "One piece of a streamed generate or chat answer: one NDJSON line, or the JSON of one SSE `data:` event. The last piece has `done: true`, `done_reason` and `usage`; a stream cut short by an error ends with a piece whose `error` says why.",
            "required": [
              "id",
              "model",
              "delta",
              "done"
            ],
            "properties": {
              "id": {
                "type": "string",
                "description": "The request id."
              },
              "model": {
                "type": "string"
              },
              "delta": {
                "type": "string",
                "description": "The text added by this piece."
              },
              "done": {
                "type": "boolean"
              },
              "done_reason": {
                "type": "string"
              },
              "usage": {
                "$ref": "#/components/schemas/Usage"
              },
              "cached": {
                "type": "boolean"
              },
              "error": {
                "$ref": "#/components/schemas/ErrorDetail"
              }
            }
          },
          "EmbeddingsResponse": {
            "type": "object",
            "description": "The answer of `POST /v1/embeddings`: one vector per input, in order.",
            "required": [
              "id",
              "model",
              "embeddings",
              "usage"
            ],
            "properties": {
              "id": {
                "type": "string",
                "description": "The request id."
              },
              "model": {
                "type": "string"
              },
              "embeddings": {
                "type": "array",
                "items": {
                  "type": "array",
                  "items": {
                    "type": "number"
                  }
                }
              },
              "usage": {
                "type": "object",
                "required": [
                  "prompt_tokens"
                ],
                "properties": {
                  "prompt_tokens": {
                    "type": "integer",
                    "minimum": 0
                  }
                }
              }
            }
          },
          "ErrorDetail": {
            "type": "object",
            "required": [
              "code",
              "message",
              "request_id"
            ],
            "properties": {
              "code": {
                "type": "string",
                "description": "A short stable error code.",
                "enum": [
                  "malformed_json",
                  "unauthorized",
                  "forbidden",
                  "body_too_large",
                  "unsupported_media_type",
                  "validation_failed",
                  "rate_limited",
                  "upstream_error",
                  "overloaded",
                  "queue_timeout",
                  "upstream_unavailable",
                  "shutting_down",
                  "deadline_exceeded"
                ]
              },
              "message": {
                "type": "string",
                "description": "What went wrong, in words the caller can act on."
              },
              "request_id": {
                "type": "string",
                "description": "The request id (also in the `X-Request-ID` header)."
              }
            }
          },
          "ErrorBody": {
            "type": "object",
            "description": "The body of every error answer.",
            "required": [
              "error"
            ],
            "properties": {
              "error": {
                "$ref": "#/components/schemas/ErrorDetail"
              }
            }
          },
          "HealthStatus": {
            "type": "object",
            "required": [
              "status"
            ],
            "properties": {
              "status": {
                "type": "string",
                "const": "ok"
              }
            }
          },
          "ReadyStatus": {
            "type": "object",
            "required": [
              "status",
              "reason"
            ],
            "properties": {
              "status": {
                "type": "string",
                "enum": [
                  "ready",
                  "not_ready"
                ]
              },
              "reason": {
                "type": "string",
                "description": "Why the server is or is not ready."
              }
            }
          },
          "VersionInfo": {
            "type": "object",
            "required": [
              "service",
              "version",
              "release_id",
              "build_commit",
              "model"
            ],
            "properties": {
              "service": {
                "type": "string",
                "examples": [
                  "model-serve"
                ]
              },
              "version": {
                "type": "string"
              },
              "release_id": {
                "type": "string"
              },
              "build_commit": {
                "type": "string"
              },
              "model": {
                "type": "object",
                "required": [
                  "name"
                ],
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "digest": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "The digest an upstream reports for the model; null (or absent) until one has been seen."
                  }
                }
              }
            }
          }
        },
        "responses": {
          "MalformedJSON": {
            "description": "The request body is not valid JSON. Error codes: `malformed_json`.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorBody"
                },
                "example": {
                  "error": {
                    "code": "malformed_json",
                    "message": "the request body is not valid JSON: unexpected end of input",
                    "request_id": "3f2a9c1e-5b7d-4e8a-9c0b-1d2e3f4a5b6c"
                  }
                }
              }
            }
          },
          "Unauthorized": {
            "description": "No API key, or the key is unknown or revoked. Error codes: `unauthorized`.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorBody"
                },
                "example": {
                  "error": {
                    "code": "unauthorized",
                    "message": "the API key is not known or has been revoked",
                    "request_id": "3f2a9c1e-5b7d-4e8a-9c0b-1d2e3f4a5b6c"
                  }
                }
              }
            }
          },
          "Forbidden": {
            "description": "The API key's scopes do not include this route. Error codes: `forbidden`.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorBody"
                },
                "example": {
                  "error": {
                    "code": "forbidden",
                    "message": "this API key is not allowed the \"chat\" route",
                    "request_id": "3f2a9c1e-5b7d-4e8a-9c0b-1d2e3f4a5b6c"
                  }
                }
              }
            }
          },
          "BodyTooLarge": {
            "description": "The request body is larger than the server's limit (`--max-body-bytes`, 1 MiB by default). Error codes: `body_too_large`.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorBody"
                },
                "example": {
                  "error": {
                    "code": "body_too_large",
                    "message": "the request body is larger than 1048576 bytes",
                    "request_id": "3f2a9c1e-5b7d-4e8a-9c0b-1d2e3f4a5b6c"
                  }
                }
              }
            }
          },
          "UnsupportedMediaType": {
            "description": "The body was not sent with `Content-Type: application/json`. Error codes: `unsupported_media_type`.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorBody"
                },
                "example": {
                  "error": {
                    "code": "unsupported_media_type",
                    "message": "send the body as JSON with Content-Type: application/json (got \"text/plain\")",
                    "request_id": "3f2a9c1e-5b7d-4e8a-9c0b-1d2e3f4a5b6c"
                  }
                }
              }
            }
          },
          "ValidationFailed": {
            "description": "The body is JSON but breaks a rule (a missing or out-of-range field, a bound of the server's limits, or an unknown model); the message names the field. Error codes: `validation_failed`.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorBody"
                },
                "example": {
                  "error": {
                    "code": "validation_failed",
                    "message": "temperature must be between 0 and 2 (got 3.0)",
                    "request_id": "3f2a9c1e-5b7d-4e8a-9c0b-1d2e3f4a5b6c"
                  }
                }
              }
            }
          },
          "RateLimited": {
            "description": "The API key is over its rate limit; retry after `Retry-After` seconds. Error codes: `rate_limited`.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              },
              "Retry-After": {
                "$ref": "#/components/headers/RetryAfter"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorBody"
                },
                "example": {
                  "error": {
                    "code": "rate_limited",
                    "message": "this API key is over its rate limit; retry after 2 s",
                    "request_id": "3f2a9c1e-5b7d-4e8a-9c0b-1d2e3f4a5b6c"
                  }
                }
              }
            }
          },
          "UpstreamError": {
            "description": "The upstream Ollama failed or answered something ModelServe could not read. Error codes: `upstream_error`.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorBody"
                },
                "example": {
                  "error": {
                    "code": "upstream_error",
                    "message": "the upstream model failed",
                    "request_id": "3f2a9c1e-5b7d-4e8a-9c0b-1d2e3f4a5b6c"
                  }
                }
              }
            }
          },
          "ServiceUnavailable": {
            "description": "The server cannot take the request now: too many requests in flight and queued, the request's deadline passed while queued, no upstream Ollama is available, or the server is shutting down. Retry after `Retry-After` seconds. Error codes: `overloaded`, `queue_timeout`, `upstream_unavailable`, `shutting_down`.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              },
              "Retry-After": {
                "$ref": "#/components/headers/RetryAfter"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorBody"
                },
                "example": {
                  "error": {
                    "code": "overloaded",
                    "message": "the server is at its limit of requests in flight and queued; retry shortly",
                    "request_id": "3f2a9c1e-5b7d-4e8a-9c0b-1d2e3f4a5b6c"
                  }
                }
              }
            }
          },
          "DeadlineExceeded": {
            "description": "The upstream model did not answer within the request deadline. Error codes: `deadline_exceeded`.",
            "headers": {
              "X-Request-ID": {
                "$ref": "#/components/headers/XRequestID"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ErrorBody"
                },
                "example": {
                  "error": {
                    "code": "deadline_exceeded",
                    "message": "the upstream model did not answer within the request deadline (60 seconds)",
                    "request_id": "3f2a9c1e-5b7d-4e8a-9c0b-1d2e3f4a5b6c"
                  }
                }
              }
            }
          }
        },
        "parameters": {
          "RequestID": {
            "name": "X-Request-ID",
            "in": "header",
            "required": false,
            "description": "A request id of the caller's own, echoed in the response's `X-Request-ID` header and error bodies; when absent or invalid the server makes one.",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 128,
              "pattern": "^[A-Za-z0-9._:-]{1,128}$"
            }
          },
          "Accept": {
            "name": "Accept",
            "in": "header",
            "required": false,
            "description": "For a streamed answer (`stream: true`), include `text/event-stream` to get server-sent events instead of NDJSON.",
            "schema": {
              "type": "string"
            },
            "examples": {
              "sse": {
                "value": "text/event-stream"
              }
            }
          }
        },
        "headers": {
          "XRequestID": {
            "description": "The request id: the caller's `X-Request-ID` if it sent a valid one, otherwise one the server made.",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 128,
              "pattern": "^[A-Za-z0-9._:-]{1,128}$"
            }
          },
          "RetryAfter": {
            "description": "Seconds to wait before retrying.",
            "schema": {
              "type": "integer",
              "minimum": 0
            }
          }
        },
        "securitySchemes": {
          "apiKey": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "ms_ followed by 43 base64url characters",
            "description": "An API key, sent as `Authorization: Bearer ms_…` (`ms_` + 43 base64url characters; create one with `model-serve keys add`). A key's scopes must include the route's name (`generate`, `chat`, `embeddings`) or `*`."
          }
        }
      }
    }
    """#
}
