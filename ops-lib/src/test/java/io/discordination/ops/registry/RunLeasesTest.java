package io.discordination.ops.registry;

import io.discordination.ops.OpsContext;
import io.discordination.ops.aws.SandboxAws;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** A context's leases in the sandbox's registry, read back with the DynamoDB SDK. */
@ExtendWith(SandboxExtension.class)
class RunLeasesTest {
    @Test
    void close_whenTheThreadIsBeingInterrupted_stillReleasesTheLease_andKeepsTheInterrupt(SandboxInfo info, @TempDir Path home) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String address = "100." + (64 + r.nextInt(64)) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254)) + "/32";
        try (OpsContext ops = SandboxAws.context(info, home)) {
            ops.waf().block(address);
            assertThat(expiresAt(info)).as("held while the context lives").isGreaterThan(System.currentTimeMillis());
            try {
                Thread.currentThread().interrupt();
                ops.close();
                assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is handed back").isTrue();
            } finally {
                Thread.interrupted();
            }
        }
        assertThat(expiresAt(info)).as("released: the item stays, expired").isZero();
        try (OpsContext ops = SandboxAws.context(info, home.resolve("after"))) {
            ops.waf().unblock(List.of(address));
        }
    }

    private static long expiresAt(SandboxInfo info) {
        try (DynamoDbClient dynamo = SandboxAws.client(info, DynamoDbClient.builder())) {
            Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName("discordination-ops")
                    .key(Map.of("pk", AttributeValue.fromS("lease#local#waf:" + SeedData.IP_SET_NAME), "sk", AttributeValue.fromS("lease")))).item();
            return Long.parseLong(item.get("expiresAt").n());
        }
    }
}
