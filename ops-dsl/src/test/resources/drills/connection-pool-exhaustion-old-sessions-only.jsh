// A wrong edit of connection-pool-exhaustion for the drill tests: it ends only sessions idle for more
// than an hour, whatever idle-for says, so the leaked sessions of the incident stay.
runbook("connection-pool-exhaustion", "Connection Pool Exhaustion")
    .section("Database Operations")
    .param(duration("idle-for").defaultValue("10m"))
    .check("Check idle connections older than idle-for", () -> {
            Duration idleFor = param("idle-for");
            DatabaseConnections all = postgres().connections();
            return new DatabaseConnections(all.database(), all.sessions().stream()
                .filter(s -> "idle".equals(s.state()) && s.inState().compareTo(idleFor) > 0)
                .filter(s -> !PostgresPool.APPLICATION_NAME.equals(s.application()))
                .toList());
        })
    .action("Kill idle connections", () -> postgres().terminateIdle(Duration.ofHours(1)))
    .verify("The idle connections are gone", () -> {
            DatabaseConnections idle = result("Check idle connections older than idle-for");
            Set<Integer> pids = new HashSet<>();
            idle.sessions().forEach(s -> pids.add(s.pid()));
            return postgres().connections().sessions().stream().noneMatch(s -> pids.contains(s.pid()));
        })
    .timeout(seconds(6)).every(seconds(2));
