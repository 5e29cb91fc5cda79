package io.discordination.ops.logs;

import io.discordination.ops.HandleContext;
import io.discordination.ops.aws.RequestPacer;
import io.discordination.ops.text.Progress;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * What a log group's queries share: the handle context, the CloudWatch Logs client, and the one
 * pacer that keeps this context's FilterLogEvents calls under the account's quota.
 */
record LogsClients(HandleContext handle, CloudWatchLogsClient client, RequestPacer filterLogEvents) {
    HandleContext.Place environment() {
        return handle.environment();
    }

    Progress progress(String label, long total) {
        return handle.progress(label, total);
    }
}
