// Connection Pool Exhaustion: "too many connections" errors. Counts connections by state, terminates idle ones.
// Plan it first (shows who would be terminated):  ops plan connection-pool-exhaustion [--param idle-for=10m]
runbook("connection-pool-exhaustion", "Connection Pool Exhaustion")
    .section("Database Operations")
    .symptoms("\"too many connections\" errors.")
    .param(duration("idle-for").defaultValue("10m").description("Terminate connections idle for longer than this"))
    .check("Check active connections",
        "SELECT count(*) FROM pg_stat_activity WHERE datname = '${postgres.database}';\n"
            + "SELECT state, count(*) FROM pg_stat_activity WHERE datname = '${postgres.database}' GROUP BY state;",
        () -> postgres().connectionsByState())
    .check("Check how close the server is to max_connections",
        "SELECT current_setting('max_connections'), (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend');",
        () -> postgres().utilization())
    // the plan shows who the next step would terminate: the same condition, our own sessions left out
    .check("Check idle connections older than idle-for",
        "SELECT pid, usename, application_name, client_addr, state_change FROM pg_stat_activity\n"
            + "WHERE datname = '${postgres.database}' AND state = 'idle' AND state_change < now() - interval '${idle-for}';",
        () -> {
            Duration idleFor = param("idle-for");
            DatabaseConnections all = postgres().connections();
            return new DatabaseConnections(all.database(), all.sessions().stream()
                .filter(s -> "idle".equals(s.state()) && s.inState().compareTo(idleFor) > 0)
                .filter(s -> !PostgresPool.APPLICATION_NAME.equals(s.application()))
                .toList());
        })
    .action("Kill idle connections", Postgres.TERMINATE_IDLE,
        () -> postgres().terminateIdle(param("idle-for")))
    // the sessions the check found idle, not only those the action reports: a kill that missed them fails here
    .verify("The idle connections are gone", () -> {
            DatabaseConnections idle = result("Check idle connections older than idle-for");
            Set<Integer> pids = new HashSet<>();
            idle.sessions().forEach(s -> pids.add(s.pid()));
            return postgres().connections().sessions().stream().noneMatch(s -> pids.contains(s.pid()));
        })
    .timeout(minutes(1)).every(seconds(2))
    .advice("Scale up: increase db_max_connections in Terraform vars",
        "If connections climb back soon after, the pools need more room (or are leaking): raise db_max_connections "
            + "(and the instance class if memory is short) in the Terraform vars and apply; check each service's pool size.");
