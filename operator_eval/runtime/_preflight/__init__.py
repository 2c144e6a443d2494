"""`operator-eval preflight`: check that a local model endpoint is stable before operator work.

Sends a few chat requests, one after another, to an OpenAI-compatible endpoint (llama.cpp
server, Ollama, vLLM, LM Studio, ...), alternating plain chat requests with tool-call requests,
and reports what one client experienced: how many requests succeeded, how the others failed,
latency, output speed, whether tool calls came back well-formed, and a verdict.

Failure classes:

- ``connection_refused``: nothing listens at the address (the server is not running).
- ``connection_error``: could not connect for another reason (DNS failure, unreachable host,
  proxy or TLS failure).
- ``connect_timeout``: the connection was not established in time.
- ``connection_reset``: the server dropped or reset the connection without a full response.
- ``timeout``: connected, but no complete response within ``--timeout`` seconds.
- ``http_error``: a non-2xx HTTP status (counted per status code in ``http_status``).
- ``malformed``: a 2xx reply that is not JSON, not a chat completion, or not valid HTTP.
- ``bad_tool_call``: a tool-call request whose chat completion holds no tool call, calls a
  function that was not offered, or has arguments that are not a JSON-encoded JSON object.

Verdicts and exit codes of `main_preflight`:

- ``0`` -- ``stable``: the failure rate is at most ``--max-failure-rate`` and every tool-call
  request that got a reply got a well-formed tool call.
- ``1`` -- ``unstable``: the failure rate exceeds ``--max-failure-rate``, or a tool-call reply
  was malformed (not JSON, not a chat completion, or no well-formed tool call).
- ``2`` -- ``down``: no request succeeded and every failure was a connection failure
  (refused, DNS / other connect error, connect timeout). Also returned, with a one-line
  message on stderr, when the arguments are unusable (e.g. a ``--base-url`` without
  ``http://``) or preflight itself fails unexpectedly.
"""
