package io.discordination.ops.ecs;

import io.discordination.ops.OpsException;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.RecordingGate;
import io.discordination.ops.testing.UnitTopology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link EcsService#forceRedeploy()} against a stub ECS client and the recording gate: no sandbox. */
@Tag("unit")
class EcsServiceUnitTest {
    private EcsService api(RecordingGate gate, StubEcsClient ecs) {
        return new EcsService(UnitTopology.topology().ecs(), ecs, UnitTopology.context(gate), "api");
    }

    @Test
    void forceRedeploy_whenPlanning_recordsOneDestructiveEffectAndSendsNoUpdate() {
        RecordingGate gate = RecordingGate.planning();
        StubEcsClient ecs = new StubEcsClient("api");

        EcsDeployment deployment = api(gate, ecs).forceRedeploy();

        Effect effect = gate.only();
        assertThat(effect.system()).isEqualTo("aws");
        assertThat(effect.target()).isEqualTo("ecs service discordination-unit/api");
        assertThat(effect.verb()).isEqualTo("force-redeploy");
        assertThat(effect.destructive()).isTrue();
        assertThat(effect.parameters()).containsEntry("cluster", "discordination-unit").containsEntry("service", "api")
                .containsEntry("runningTasks", 3);
        assertThat(effect.command()).isEqualTo("aws ecs update-service --cluster discordination-unit --service api --force-new-deployment");
        assertThat(ecs.updates).as("a plan sends no UpdateService").isEmpty();
        assertThat(ecs.describes).as("the read that resolves the running tasks still runs").hasSize(1);
        assertThat(deployment.planned()).isTrue();
        assertThat(deployment.deploymentId()).isNull();
    }

    @Test
    void forceRedeploy_whenRunning_sendsOneForcedUpdateOfThatServiceAndReturnsTheNewDeployment() {
        RecordingGate gate = RecordingGate.running();
        StubEcsClient ecs = new StubEcsClient("api");

        EcsDeployment deployment = api(gate, ecs).forceRedeploy();

        assertThat(gate.only().verb()).isEqualTo("force-redeploy");
        assertThat(ecs.updates).singleElement().satisfies(update -> {
            assertThat(update.cluster()).isEqualTo("discordination-unit");
            assertThat(update.service()).isEqualTo("api");
            assertThat(update.forceNewDeployment()).isTrue();
            assertThat(update.desiredCount()).as("a restart leaves the task count alone").isNull();
            assertThat(update.taskDefinition()).as("and the task definition").isNull();
        });
        assertThat(deployment.planned()).isFalse();
        assertThat(deployment.deploymentId()).isEqualTo("ecs-svc/new");
    }

    @Test
    void forceRedeploy_whenTheServiceIsMissing_failsAsNotFoundBeforeAnyEffect() {
        RecordingGate gate = RecordingGate.running();
        StubEcsClient ecs = new StubEcsClient("someone-else");

        assertThatThrownBy(() -> api(gate, ecs).forceRedeploy())
                .isInstanceOf(OpsException.NotFoundException.class)
                .hasMessageContaining("No ECS service api in cluster discordination-unit");
        assertThat(gate.isEmpty()).isTrue();
        assertThat(ecs.updates).isEmpty();
    }
}
