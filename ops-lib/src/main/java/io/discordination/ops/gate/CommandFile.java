package io.discordination.ops.gate;

import io.discordination.ops.OpsException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a command too long to print whole is kept for a person to run ({@code OPS_HOME/commands/}):
 * a WAF update naming thousands of addresses is cut on the terminal ({@link Effect#shownCommand}), and
 * a cut command cannot be pasted. The file holds the command as the plan or run rendered it, one shell
 * line, named by its content, so the same command is one file however often it is shown; readable by
 * its owner only (it names the environment's resources).
 *
 * <pre>{@code Path file = CommandFile.save(opsHome, effect.command());  // then: sh <file>}</pre>
 */
public final class CommandFile {
    private CommandFile() {
    }

    /** {@code command} written to {@code opsHome/commands/<sha-256 prefix>.sh} (kept if already there); its path. */
    public static Path save(Path opsHome, String command) {
        Path dir = opsHome.resolve("commands");
        Path file = dir.resolve(digest(command) + ".sh");
        if (Files.isRegularFile(file)) return file;
        try {
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".command", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, command + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(temp);
            }
            return file;
        } catch (IOException e) {
            throw OpsException.builder("Could not keep the whole command in " + dir + ": " + e.getMessage())
                    .hint("--output json shows it whole").cause(e).build();
        }
    }

    private static String digest(String command) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(command.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
