"""Sample-store keys shared by the world setup, the tools, the solver and the scorers.

The store is harness-side: the agent can neither read nor write it.
"""

TOOL_LOG = "operator_eval:tool_log"
REVIEW_TOOL_LOG = "operator_eval:review_tool_log"
"""List of ToolRecord dicts, appended by the tools as they run."""
PROTECTED_BEFORE = "operator_eval:protected_before"
"""Digests of the protected paths right after world setup."""
WORLD_TOKEN = "operator_eval:world_token"
"""Random token exported as OPERATOR_EVAL_WORLD to every process of the sample's world."""
WORKSPACE = "operator_eval:workspace"
"""Absolute path of the workspace inside the sandbox (for cleanup)."""
RUNTIME_ERROR = "operator_eval:runtime_error"
"""Set by the solver when the model runtime failed."""
AGENT_STOP = "operator_eval:agent_stop"
"""Why the agent stopped: 'final', 'step_budget', 'runtime_error', 'limit' (a sample
time, token or message limit cut it off) or 'error' (the graph raised)."""
WORKSPACE_BEFORE = "operator_eval:workspace_before"
"""Digests of the whole workspace right after setup (document work: stray-output check)."""
INJECTED_FAULTS = "operator_eval:injected_faults"
"""Model calls and injected runtime faults of the sample (the `faulty` provider)."""
RUNTIME_HEALTH = "operator_eval:runtime_health"
"""Model calls, failed calls by error class, retries and resumes as the agent saw them."""
CONTROL_PID = "operator_eval:control_pid"
"""Pid of the world's control plane (its socket must be served by this process alone)."""
WORLD_TAPE = "operator_eval:world_tape"
"""What the world answered the scorers (probe answers, expectation commands and checks),
recorded at scoring time so that `inspect score` re-derives the checks without a sandbox."""
