package io.discordination.ops.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code OPS_HOME/sandbox/sandbox.json} remembers between commands: the credentials (kept, so
 * URLs stay the same across down and up), each server's port, PID and start time, where
 * PostgreSQL keeps its data, and the ids the AWS seed produced. PID files beside it carry the
 * PIDs for other tools.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
final class SandboxState {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public int version = 1;
    public Credentials credentials = new Credentials();
    public Map<String, Server> servers = new LinkedHashMap<>();
    public String postgresRoot;
    public AwsIds aws;
    /** Whether the running moto loaded the sandbox's fixes (seen in its log when it started). */
    public boolean motoPatched;

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Credentials {
        public String awsAccessKeyId;
        public String awsSecretAccessKey;
        public String lkKey;
        public String lkSecret;
        public String databasePassword;
        public String opsDatabasePassword;
        public String readDatabasePassword;
        public String adminPassword;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Server {
        public int port;
        public long pid;
        public long startedAt;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class AwsIds {
        public String vpcId;
        public List<String> privateSubnets = new ArrayList<>();
        public String dbSecurityGroup;
        public String appSecurityGroup;
        public String ipSetId;
        /** The outputs of the control plane's stack (deploy/control-plane.yaml); null for a sandbox seeded before it existed. */
        public Map<String, String> controlPlane;
    }

    Server server(String name) {
        return servers.computeIfAbsent(name, n -> new Server());
    }

    static SandboxState load(Path file) {
        if (Files.isRegularFile(file)) {
            try {
                SandboxState state = JSON.readValue(file.toFile(), SandboxState.class);
                state.fillCredentials();
                return state;
            } catch (IOException e) {
                // an unreadable state file (a crash while writing) is replaced by a fresh one
            }
        }
        SandboxState state = new SandboxState();
        state.fillCredentials();
        return state;
    }

    private void fillCredentials() {
        if (credentials == null) credentials = new Credentials();
        if (credentials.awsAccessKeyId == null) credentials.awsAccessKeyId = "AKIASANDBOX" + random(9).toUpperCase(java.util.Locale.ROOT);
        if (credentials.awsSecretAccessKey == null) credentials.awsSecretAccessKey = random(40);
        if (credentials.lkKey == null) credentials.lkKey = "API" + random(12);
        if (credentials.lkSecret == null) credentials.lkSecret = random(43);
        if (credentials.databasePassword == null) credentials.databasePassword = random(24);
        if (credentials.opsDatabasePassword == null) credentials.opsDatabasePassword = random(24);
        if (credentials.readDatabasePassword == null) credentials.readDatabasePassword = random(24);
        if (credentials.adminPassword == null) credentials.adminPassword = random(24);
        if (servers == null) servers = new LinkedHashMap<>();
    }

    synchronized void save(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(temp.toFile(), this);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SandboxException("Cannot write the sandbox state " + file + ": " + e.getMessage(), e);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Letters and digits only, so the value is safe in URLs, YAML and shell exports. */
    static String random(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        return out.toString();
    }
}
