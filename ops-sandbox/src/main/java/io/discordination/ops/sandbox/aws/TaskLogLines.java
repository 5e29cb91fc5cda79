package io.discordination.ops.sandbox.aws;

import java.util.ArrayList;
import java.util.List;

/** What the migrate and cleanup containers print, as an Elixir release prints it. */
final class TaskLogLines {
    private TaskLogLines() {
    }

    static final String PENDING_MIGRATION = "20261128093000";
    static final String PENDING_MIGRATION_NAME = "Discordination.Repo.Migrations.AddMessageReactionsIndex";

    static List<String> migrationStart() {
        return List.of(
                "[info] Starting Discordination.Release.migrate/0 (release 2026.11.28-3f9c2ab)",
                "[info] Repo Discordination.Repo: connecting to discordination-prod.cluster.internal:5432/discordination",
                "[info] == Running " + PENDING_MIGRATION + " " + PENDING_MIGRATION_NAME + ".change/0 forward",
                "[info] create index concurrently if not exists message_reactions_message_id_emoji_index");
    }

    static List<String> migrationEnd(int exitCode) {
        if (exitCode == 0) {
            return List.of(
                    "[info] == Migrated " + PENDING_MIGRATION + " in 2.4s",
                    "[info] Migrations finished: 1 applied, 0 pending",
                    "[info] Discordination.Release.migrate/0 finished, exiting with status 0");
        }
        return List.of(
                "[error] ** (Postgrex.Error) ERROR 55P03 (lock_not_available) canceling statement due to lock timeout",
                "[error]     (ecto_sql 3.12.1) lib/ecto/adapters/sql.ex:1096: Ecto.Adapters.SQL.raise_sql_call_error/1",
                "[error]     (ecto_sql 3.12.1) lib/ecto/migration/runner.ex:311: Ecto.Migration.Runner.log_and_execute_ddl/3",
                "[error] == Migration " + PENDING_MIGRATION + " failed, rolled back",
                "[error] Discordination.Release.migrate/0 failed, exiting with status " + exitCode);
    }

    static List<String> cleanupStart(List<String> command) {
        boolean dryRun = command.contains("--dry-run");
        return List.of(
                "[info] discordination-cleanup 2026.11.2 starting" + (dryRun ? " (dry run: nothing will be deleted)" : ""),
                "[info] mode=" + (command.contains("--once") || command.isEmpty() ? "once" : "daemon")
                        + " bucket=discordination-files prefix=attachments/ orphan_after=30d",
                "[info] scanning attachments without a message reference...");
    }

    /** The end of a cleanup that found {@code orphans} real orphaned uploads of {@code bytes} in all (and deleted them unless a dry run). */
    static List<String> cleanupEnd(List<String> command, int exitCode, int orphans, long bytes) {
        boolean dryRun = command.contains("--dry-run");
        String size = bytes < 1024 * 1024 ? String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
        List<String> lines = new ArrayList<>();
        lines.add("[info] found " + orphans + " orphaned uploads (" + size + ") without a message reference");
        if (exitCode != 0) {
            lines.add("[error] S3 DeleteObjects failed: SlowDown (503), giving up after 5 attempts");
            lines.add("[error] cleanup failed, exiting with status " + exitCode);
        } else if (dryRun) {
            lines.add("[info] dry run: would delete " + orphans + " objects (" + size + "); run without --dry-run to delete them");
            lines.add("[info] cleanup finished, exiting with status 0");
        } else {
            lines.add("[info] deleted " + orphans + " objects (" + size + ") in 1 batches");
            lines.add("[info] cleanup finished, exiting with status 0");
        }
        return lines;
    }

    static List<String> cleanupEnd(List<String> command, int exitCode) {
        boolean dryRun = command.contains("--dry-run");
        List<String> lines = new ArrayList<>();
        lines.add("[info] scanned 48213 attachments, 1284 orphaned (3.2 GiB)");
        if (exitCode != 0) {
            lines.add("[error] S3 DeleteObjects failed: SlowDown (503), giving up after 5 attempts");
            lines.add("[error] cleanup failed, exiting with status " + exitCode);
        } else if (dryRun) {
            lines.add("[info] dry run: would delete 1284 objects (3.2 GiB); run without --dry-run to delete them");
            lines.add("[info] cleanup finished, exiting with status 0");
        } else {
            lines.add("[info] deleted 1284 objects (3.2 GiB) in 13 batches");
            lines.add("[info] cleanup finished, exiting with status 0");
        }
        return lines;
    }
}
