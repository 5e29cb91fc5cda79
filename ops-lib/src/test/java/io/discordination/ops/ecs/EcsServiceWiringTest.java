package io.discordination.ops.ecs;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.discordination.ops.HandleContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.gate.RecordingGate;
import io.discordination.ops.topology.SettingSource;
import io.discordination.ops.topology.TopologyFiles;
import io.discordination.ops.topology.EcsTopology;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesRequest;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A handle built from its topology record, a stub client and a gate: no context, no sandbox. */
class EcsServiceWiringTest {
    /** An EcsClient that answers DescribeServices from a fixed service and remembers what it was asked. */
    private static final class StubEcs implements EcsClient {
        final List<DescribeServicesRequest> asked = new ArrayList<>();

        @Override
        public DescribeServicesResponse describeServices(DescribeServicesRequest request) {
            asked.add(request);
            return DescribeServicesResponse.builder().services(Service.builder().serviceName(request.services().get(0))
                    .clusterArn("arn:aws:ecs:us-east-1:1:cluster/" + request.cluster()).status("ACTIVE")
                    .desiredCount(2).runningCount(2).pendingCount(0).build()).build();
        }

        @Override
        public String serviceName() {
            return "ecs";
        }

        @Override
        public void close() {
        }
    }

    private static EcsTopology ecs() throws Exception {
        return TopologyFiles.read(new YAMLMapper().readTree("""
                ecs:
                  cluster: discordination-test
                  services:
                    api: api-service
                """), SettingSource.LITERAL).ecs();
    }

    private static HandleContext context(RecordingGate gate) {
        return HandleContext.of(gate);
    }

    @Test
    void status_whenBuiltFromItsRecordAndAStubClient_asksForTheRealNamesOfTheShortOne() throws Exception {
        StubEcs client = new StubEcs();

        ServiceStatus status = new EcsService(ecs(), client, context(RecordingGate.planning()), "api").status();

        assertThat(client.asked).singleElement().satisfies(r -> {
            assertThat(r.cluster()).isEqualTo("discordination-test");
            assertThat(r.services()).containsExactly("api-service");
        });
        assertThat(status.service()).isEqualTo("api-service");
        assertThat(status.desiredCount()).isEqualTo(2);
    }

    @Test
    void constructor_whenTheShortNameIsUnknown_failsBeforeAnyCall() throws Exception {
        StubEcs client = new StubEcs();
        HandleContext context = context(RecordingGate.planning());
        EcsTopology ecs = ecs();

        assertThatThrownBy(() -> new EcsService(ecs, client, context, "apii"))
                .isInstanceOf(OpsException.NotFoundException.class)
                .hasMessageContaining("No ECS service 'apii' in environment test").hasMessageContaining("known: api");
        assertThat(client.asked).isEmpty();
    }
}
