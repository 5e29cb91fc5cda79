package io.discordination.ops.sandbox.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.discordination.ops.sandbox.SandboxException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.User;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The sandbox's operators: one IAM user in moto per name, each with an access key of its own, so
 * that two shells are two caller identities ({@code arn:aws:iam::ACCOUNT:user/NAME}). The keys are
 * kept in {@code OPS_HOME/sandbox/operators/NAME.json} (owner-only); a reseed of moto forgets its
 * users, {@link #restore} makes them again, and moto's start-up patch (sitecustomize.py) gives a
 * recreated user the key it had, so a second shell's exports stay valid across {@code ops sandbox reset}.
 *
 * <pre>{@code Operators.Operator bob = new Operators(sandboxDir).ensure(aws.iam(), "bob");}</pre>
 */
public final class Operators {
    /** IAM's user names, less the ones that do not start with a letter or digit (no dot files). */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9+=,.@_-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    public Operators(Path sandboxDir) {
        this.dir = sandboxDir.resolve("operators");
    }

    /** An operator's identity and credentials; {@link #toString()} leaves the secret out. */
    public record Operator(String name, String arn, String accessKeyId, String secretAccessKey) {
        @Override
        public String toString() {
            return "Operator[" + name + ", " + arn + ", " + accessKeyId + "]";
        }
    }

    /** What is kept of an operator between commands. */
    public static final class Kept {
        public String accessKeyId;
        public String secretAccessKey;
    }

    /** True for a name {@link #ensure} accepts. */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * The operator {@code name}: its IAM user and access key, made when missing (idempotent: a
     * second call gives the same key while moto has it).
     */
    public Operator ensure(IamClient iam, String name) {
        if (!validName(name)) {
            throw new IllegalArgumentException("an operator's name is an IAM user name: letters, digits and +=,.@_- (at most 64, starting with a letter or digit), not '" + name + "'");
        }
        User user = user(iam, name);
        Kept kept = read(name);
        List<AccessKeyMetadata> keys = iam.listAccessKeys(r -> r.userName(name)).accessKeyMetadata();
        if (kept != null && keys.stream().anyMatch(k -> k.accessKeyId().equals(kept.accessKeyId))) {
            return new Operator(name, user.arn(), kept.accessKeyId, kept.secretAccessKey);
        }
        // IAM allows two keys a user; the ones nobody holds any more make room
        for (AccessKeyMetadata k : keys) iam.deleteAccessKey(r -> r.userName(name).accessKeyId(k.accessKeyId()));
        var key = iam.createAccessKey(r -> r.userName(name)).accessKey();
        Kept now = new Kept();
        now.accessKeyId = key.accessKeyId();
        now.secretAccessKey = key.secretAccessKey();
        write(name, now);
        return new Operator(name, user.arn(), now.accessKeyId, now.secretAccessKey);
    }

    /** After moto was reseeded: every operator this sandbox had, again (with its key, see sitecustomize.py). */
    public void restore(IamClient iam) {
        for (String name : names()) ensure(iam, name);
    }

    /** The names of the operators made so far. */
    public List<String> names() {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".json"))
                    .map(f -> f.substring(0, f.length() - ".json".length())).filter(Operators::validName).sorted().toList();
        } catch (IOException e) {
            throw new SandboxException("Cannot list the sandbox's operators in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static User user(IamClient iam, String name) {
        try {
            return iam.getUser(r -> r.userName(name)).user();
        } catch (NoSuchEntityException missing) {
            try {
                return iam.createUser(r -> r.userName(name).path("/")
                        .tags(t -> t.key("sandbox:operator").value("ops sandbox env --operator " + name))).user();
            } catch (EntityAlreadyExistsException raced) {
                return iam.getUser(r -> r.userName(name)).user();
            }
        }
    }

    private Kept read(String name) {
        Path file = dir.resolve(name + ".json");
        if (!Files.isRegularFile(file)) return null;
        try {
            Kept kept = JSON.readValue(file.toFile(), Kept.class);
            return kept.accessKeyId == null || kept.secretAccessKey == null ? null : kept;
        } catch (IOException e) {
            // unreadable: a new key replaces it
            return null;
        }
    }

    private void write(String name, Kept kept) {
        Path file = dir.resolve(name + ".json");
        try {
            Files.createDirectories(dir);
            Path temp = dir.resolve(name + ".json.tmp");
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            JSON.writeValue(temp.toFile(), kept);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SandboxException("Cannot write the operator " + name + " in " + dir + ": " + e.getMessage(), e);
        }
    }
}
