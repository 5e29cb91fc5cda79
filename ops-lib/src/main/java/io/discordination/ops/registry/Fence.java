package io.discordination.ops.registry;

import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.util.List;

/**
 * What a run's registry writes must prove: that the run still holds each lease it took, with the
 * fencing token it was given. A write made through {@link #conditions()} is one DynamoDB
 * transaction with a condition check per lease, so a run that lost a lease (paused past its expiry,
 * cut off from AWS while another run took the target over with a higher token) cannot write as if
 * it still held it. A run that holds no lease writes unfenced ({@link #NONE}).
 *
 * <pre>{@code
 * List<TransactWriteItem> items = new ArrayList<>(fence.conditions());
 * items.add(TransactWriteItem.builder().put(put).build());
 * dynamo.transactWriteItems(b -> b.transactItems(items));
 * }</pre>
 */
@FunctionalInterface
public interface Fence {
    /** No leases held: nothing to check. */
    Fence NONE = List::of;

    /** One condition check per lease held now: the lease item still names this run and its token. */
    List<TransactWriteItem> conditions();
}
