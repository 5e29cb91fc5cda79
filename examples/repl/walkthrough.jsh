// A walk through the library in `ops repl`, the way an on-call engineer explores during an incident.
// Type the lines one by one, or feed the whole file: ./ops repl --dry-run < examples/repl/walkthrough.jsh
// Every line is a plain Java expression: the preamble imports Ops.* and the handle packages.

// Where am I? The environment's real names, secrets masked.
environment()

// Service recovery: the api service, its tasks, and its recent 429s by client address.
ecs("api").status()
ecs("api").tasks()
logs("api").status(429, hours(1)).topClientIps(5)

// The database: the instance, its snapshots, and who holds connections.
rds().status()
rds().snapshots()
postgres().connectionsByState()

// The gateway's memory over the last hour, as a small chart.
metrics().memoryUtilization("gateway", hours(1))

// Redis: clients and memory; voice: the rooms; files: the deleted attachments.
redis().info("clients")
redis().memory()
livekit().rooms()
bucket().versions("attachments/").deletedKeys()
waf().addresses()

// Effects go through the Gate. In `ops repl --dry-run` they are planned, not applied, and the plan
// shows the resolved targets and the shell command an operator could type instead.
redis().deleteMatching("api:cache:*")
waf().block("203.0.113.77")
context().plan()
/exit
