package io.discordination.ops.aws;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AwsCommandTest {
    @Test
    void toString_whenValuesNeedQuoting_quotesThemForTheShell() {
        String c = AwsCommand.of("s3api", "copy-object").option("--bucket", "discordination-files")
                .option("--key", "attachments/1/it's here.txt").flag("--dry").toString();
        assertThat(c).isEqualTo("aws s3api copy-object --bucket discordination-files --key 'attachments/1/it'\\''s here.txt' --dry");
    }
}
