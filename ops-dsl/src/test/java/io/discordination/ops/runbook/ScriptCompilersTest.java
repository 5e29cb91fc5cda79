package io.discordination.ops.runbook;

import io.discordination.ops.runbook.groovy.GroovyCompiler;
import io.discordination.ops.runbook.jshell.JShellCompiler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The two script compilers and the compile cache, without any command around them. */
class ScriptCompilersTest {
    private static final String SCRIPT = """
            // a helper method and a variable, then the runbook that uses them
            String greet(String who) {
                return "hello " + who;
            }
            var symptoms = "Nothing works.";
            runbook("helpers", "Helpers")
                .symptoms(symptoms)
                .param(integer("n").min(1).defaultValue(3))
                .check("Greet", () -> greet("ops"))
                .advice("Done");
            /exit
            """;

    @TempDir
    Path tmp;

    private Path write(String name, String content) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    @Test
    void load_whenTheScriptHasMethodsVariablesAndATrailingExit_declaresTheRunbook() throws IOException {
        Path f = write("helpers.jsh", SCRIPT);

        Runbook rb = new JShellCompiler().load(f, SCRIPT, ScriptCache.none());

        assertThat(rb.name()).isEqualTo("helpers");
        assertThat(rb.symptoms()).isEqualTo("Nothing works.");
        assertThat(rb.steps()).extracting(Step::title).containsExactly("Greet", "Done");
        assertThat(rb.bind(java.util.Map.of())).containsEntry("n", 3);
    }

    @Test
    void load_whenCached_replaysTheStoredClassesAndDeclaresTheSameRunbook() throws Exception {
        Path f = write("helpers.jsh", SCRIPT);
        ScriptCache cache = ScriptCache.at(tmp.resolve("home"));

        Runbook first = new JShellCompiler().load(f, SCRIPT, cache);
        List<Path> entries;
        try (Stream<Path> s = Files.list(cache.directory())) {
            entries = s.toList();
        }
        Runbook second = new JShellCompiler().load(f, SCRIPT, cache);

        assertThat(entries).hasSize(1);
        assertThat(second.steps()).extracting(Step::key).isEqualTo(first.steps().stream().map(Step::key).toList());
        assertThat(second.steps().get(0).body().run()).isEqualTo("hello ops");
        // the replayed step's classes come from the cache's loader, not from JShell's
        assertThat(second.steps().get(0).body().getClass().getClassLoader().getName()).isEqualTo("runbook");
    }

    @Test
    void load_whenTheCacheEntryIsTorn_compilesAgain() throws Exception {
        Path f = write("helpers.jsh", SCRIPT);
        ScriptCache cache = ScriptCache.at(tmp.resolve("home"));
        new JShellCompiler().load(f, SCRIPT, cache);
        try (Stream<Path> s = Files.list(cache.directory())) {
            for (Path entry : s.toList()) Files.write(entry, new byte[]{1, 2, 3});
        }

        Runbook rb = new JShellCompiler().load(f, SCRIPT, cache);

        assertThat(rb.steps().get(0).body().run()).isEqualTo("hello ops");
    }

    @Test
    void load_whenNoRunbookIsDeclared_saysSo() throws IOException {
        Path f = write("none.jsh", "int x = 1;\n");

        assertThatThrownBy(() -> new JShellCompiler().load(f, "int x = 1;\n", ScriptCache.none()))
                .isInstanceOf(ScriptException.class).hasMessageContaining("none.jsh:1: the script declares no runbook");
    }

    @Test
    void load_whenAStatementIsNotComplete_pointsAtItsLine() throws IOException {
        String text = "runbook(\"x\", \"X\")\n  .check(\"a\", () -> 1)\n\n  .check(\"b\", () -> (2\n";
        Path f = write("open.jsh", text);

        assertThatThrownBy(() -> new JShellCompiler().load(f, text, ScriptCache.none()))
                .isInstanceOf(ScriptException.class).hasMessageContaining("open.jsh:1: this statement is not complete");
    }

    @Test
    void load_whenAStepFailsLater_locatesTheLineInTheScript() throws Exception {
        Path f = write("later.groovy", "runbook('later') {\n  title 'Later'\n  check('Boom') {\n    throw new IllegalStateException('boom')\n  }\n}\n");

        Runbook rb = new GroovyCompiler().load(f, Files.readString(f), ScriptCache.none());
        Throwable failure = null;
        try {
            rb.steps().get(0).body().run();
        } catch (IllegalStateException e) {
            failure = e;
        }

        assertThat(failure).isNotNull();
        assertThat(rb.source().where(failure)).endsWith("later.groovy:4");
    }

    @Test
    void load_whenAMethodUsesATopLevelVariable_compilesWithJShellInstead() throws Exception {
        // one class cannot hold this (the variable is a local of the statements), JShell can
        String text = "var cluster = \"c1\";\nString where() { return cluster; }\nrunbook(\"where\", \"Where\").check(\"Where\", () -> where());\n";
        Path f = write("where.jsh", text);

        Runbook rb = new JShellCompiler().load(f, text, ScriptCache.at(tmp.resolve("home")));

        assertThat(rb.steps().get(0).body().run()).isEqualTo("c1");
    }

    @Test
    void load_whenCompiledAsOneClassOrByJShell_declaresTheSameRunbookAndLocatesFailures() throws Exception {
        Path probe = io.discordination.ops.runbook.testing.Cli.testRunbook("broken-step.jsh");
        String text = Files.readString(probe);

        Runbook fast = new JShellCompiler().load(probe, text, ScriptCache.none());
        Runbook viaJShell;
        System.setProperty("ops.jshell.translate", "false");
        try (JShellCompiler compiler = new JShellCompiler()) {
            viaJShell = compiler.load(probe, text, ScriptCache.none());
        } finally {
            System.clearProperty("ops.jshell.translate");
        }

        assertThat(viaJShell.steps()).extracting(Step::key).isEqualTo(fast.steps().stream().map(Step::key).toList());
        assertThat(fast.steps().get(1).body().getClass().getName()).startsWith("RunbookScript_");
        assertThat(viaJShell.steps().get(1).body().getClass().getName()).startsWith("REPL.");
        for (Runbook rb : List.of(fast, viaJShell)) {
            Throwable failure = null;
            try {
                rb.steps().get(1).body().run();
            } catch (IllegalStateException e) {
                failure = e;
            }
            assertThat(rb.source().where(failure)).endsWith("broken-step.jsh:7");
        }
    }
}
