package io.discordination.ops.sandbox.process;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Stopping a process and everything below it: TERM, the grace period, KILL, checked in /proc. */
class ProcessesTest {
    private final List<Long> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        for (long pid : started) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void stop_whenTheProcessExitsOnTerm_returnsOnTermAndItIsGone() throws Exception {
        long pid = start("exec sleep 300");

        Processes.Stopped how = Processes.stop(pid, Duration.ofSeconds(5));

        assertThat(how).isEqualTo(Processes.Stopped.ON_TERM);
        assertThat(runningInProc(pid)).isFalse();
    }

    @Test
    void stop_whenTheParentExitsOnTermButLeavesAChild_stopsTheChildBeforeReturning() throws Exception {
        long pid = start("sleep 300 & wait");
        long child = firstChild(pid);

        Processes.Stopped how = Processes.stop(pid, Duration.ofSeconds(5));

        assertThat(how).isEqualTo(Processes.Stopped.ON_TERM);
        assertThat(runningInProc(pid)).isFalse();
        assertThat(runningInProc(child)).as("child %d", child).isFalse();
    }

    @Test
    void stop_whenTheProcessIgnoresTerm_killsItAfterTheGraceAndSaysSo() throws Exception {
        long pid = start("trap '' TERM; sleep 300 & wait");
        long child = firstChild(pid);
        long before = System.nanoTime();

        Processes.Stopped how = Processes.stop(pid, Duration.ofMillis(700));

        assertThat(how).isEqualTo(Processes.Stopped.KILLED);
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
        assertThat(runningInProc(pid)).isFalse();
        assertThat(runningInProc(child)).as("child %d", child).isFalse();
    }

    @Test
    void stop_whenNotRunning_returnsNotRunning() throws Exception {
        long pid = start("exit 0");
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());

        assertThat(Processes.stop(pid, Duration.ofSeconds(1))).isEqualTo(Processes.Stopped.NOT_RUNNING);
    }

    private long start(String script) throws IOException {
        Process process = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(process.pid());
        return process.pid();
    }

    private long firstChild(long pid) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            var child = ProcessHandle.of(pid).flatMap(h -> h.children().findFirst());
            if (child.isPresent()) {
                started.add(child.get().pid());
                return child.get().pid();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("pid " + pid + " started no child");
    }

    /** Independent of Processes: the kernel's own record, where an exited, unreaped process shows as Z. */
    static boolean runningInProc(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException gone) {
            return false;
        }
    }
}
