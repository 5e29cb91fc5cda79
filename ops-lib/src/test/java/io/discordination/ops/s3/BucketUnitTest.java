package io.discordination.ops.s3;

import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.RecordingGate;
import io.discordination.ops.testing.UnitTopology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Bucket#restore} and {@link Bucket#restoreDeleted} against a stub S3 client and the recording gate: no sandbox. */
@Tag("unit")
class BucketUnitTest {
    private static final String KEY = "attachments/1234/photo one.png";

    /** A restore reads no storage metrics: any call on this fails the test. */
    private static final CloudWatchClient NO_METRICS = new CloudWatchClient() {
        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    };

    private Bucket bucket(RecordingGate gate, StubS3Client s3) {
        return new Bucket(UnitTopology.topology().s3(), s3, NO_METRICS, UnitTopology.context(gate));
    }

    @Test
    void restore_whenPlanningADeletedFile_recordsAHarmlessCopyOfThatVersionWithItsResolvedSourceAndSendsNoCopy() {
        RecordingGate gate = RecordingGate.planning();
        StubS3Client s3 = new StubS3Client(KEY, true);

        ObjectRestore restore = bucket(gate, s3).restore(KEY, StubS3Client.OLD);

        Effect effect = gate.only();
        assertThat(effect.target()).isEqualTo("s3 object s3://discordination-files/" + KEY);
        assertThat(effect.verb()).isEqualTo("restore-version");
        assertThat(effect.destructive()).as("it only undoes a deletion").isFalse();
        assertThat(effect.parameters()).containsEntry("bucket", "discordination-files").containsEntry("key", KEY)
                .containsEntry("versionId", StubS3Client.OLD).containsEntry("replaces", "delete marker");
        assertThat(effect.command()).isEqualTo("aws s3api copy-object --bucket discordination-files "
                + "--copy-source 'discordination-files/attachments/1234/photo%20one.png?versionId=v1-old' "
                + "--key 'attachments/1234/photo one.png'");
        assertThat(effect.inverse()).isEqualTo("aws s3api delete-object --bucket discordination-files --key 'attachments/1234/photo one.png'");
        assertThat(s3.copies).as("a plan sends no CopyObject").isEmpty();
        assertThat(restore.planned()).isTrue();
    }

    @Test
    void restore_whenRunningOverALiveVersion_isDestructiveCopiesThatVersionAndChecksTheResult() {
        RecordingGate gate = RecordingGate.running();
        StubS3Client s3 = new StubS3Client(KEY, false);

        ObjectRestore restore = bucket(gate, s3).restore(KEY, StubS3Client.OLD);

        Effect effect = gate.only();
        assertThat(effect.destructive()).as("what users are served changes").isTrue();
        assertThat(effect.parameters()).containsEntry("replaces", StubS3Client.NEWER);
        assertThat(effect.inverse()).contains("versionId=" + StubS3Client.NEWER);
        assertThat(s3.copies).singleElement().satisfies(copy -> {
            assertThat(copy.sourceBucket()).isEqualTo("discordination-files");
            assertThat(copy.sourceKey()).isEqualTo(KEY);
            assertThat(copy.sourceVersionId()).isEqualTo(StubS3Client.OLD);
            assertThat(copy.destinationKey()).isEqualTo(KEY);
        });
        assertThat(restore.newVersionId()).isEqualTo(StubS3Client.COPIED);
        assertThat(restore.verifiedBy()).isEqualTo("etag");
    }

    @Test
    void restore_whenTheVersionIsCurrentAlready_recordsNoEffect() {
        RecordingGate gate = RecordingGate.running();
        StubS3Client s3 = new StubS3Client(KEY, false);

        ObjectRestore restore = bucket(gate, s3).restore(KEY, StubS3Client.NEWER);

        assertThat(restore.verifiedBy()).isEqualTo("already current");
        assertThat(gate.isEmpty()).isTrue();
        assertThat(s3.copies).isEmpty();
    }

    @Test
    void restoreDeleted_whenPlanning_picksTheNewestVersionUnderTheDeleteMarker() {
        RecordingGate gate = RecordingGate.planning();

        bucket(gate, new StubS3Client(KEY, true)).restoreDeleted(KEY);

        assertThat(gate.only().parameters()).containsEntry("versionId", StubS3Client.NEWER).containsEntry("replaces", "delete marker");
    }
}
