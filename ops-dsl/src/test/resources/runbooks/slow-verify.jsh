runbook("slow-verify", "A Verify That Never Holds")
    .verify("Never true", () -> false)
    .timeout(Duration.ofMillis(300)).every(Duration.ofMillis(50));
