"""Response models of the HTTP API, one module per domain; they make the OpenAPI document meaningful."""
