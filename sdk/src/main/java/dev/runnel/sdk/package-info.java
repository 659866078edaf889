/**
 * The Runnel Java client.
 *
 * <p>Public surface:
 *
 * <ul>
 *   <li>{@link dev.runnel.sdk.Producer} (with {@code Producer.Builder}): batched, async sends with
 *       bounded memory, linger and retries; {@code send} returns a {@code CompletableFuture},
 *       {@code sendSync} blocks.
 *   <li>{@link dev.runnel.sdk.Consumer} (with {@code Consumer.Builder} and {@code
 *       Consumer.OffsetReset}): pull-based reading of assigned partitions, seek, committed
 *       offsets per group.
 *   <li>{@link dev.runnel.sdk.GroupConsumer} (with {@code GroupConsumer.Builder}) and {@link
 *       dev.runnel.sdk.RebalanceListener}: a consumer group member; the coordinator assigns its
 *       partitions and moves them cooperatively; auto-commit on an interval, on revoke and on
 *       close.
 *   <li>{@link dev.runnel.sdk.Admin} (with {@code Admin.Builder}): topics, metadata, offsets
 *       look-up, consumer groups (list, describe with lag).
 *   <li>Values: {@link dev.runnel.sdk.ProducerRecord}, {@link dev.runnel.sdk.RecordMetadata},
 *       {@link dev.runnel.sdk.ConsumerRecord}, {@link dev.runnel.sdk.RecordHeader}, {@link
 *       dev.runnel.sdk.TopicPartition}.
 *   <li>Errors: {@link dev.runnel.sdk.RunnelException} (gRPC code, Runnel reason, metadata,
 *       retriable); bad settings fail at {@code build()} with {@code IllegalArgumentException}.
 * </ul>
 *
 * <p>Everything else in this package is internal: {@code ClusterMetadata} (routing cache),
 * {@code Partitioner}, {@code RecordAccumulator}, {@code ProducerBatch}, {@code BufferMemory},
 * {@code Sender}, {@code SubscriptionState}, {@code Fetcher}, {@code GroupMembership}, {@code BatchDecoder}, {@code
 * OffsetLookup}, {@code RetryBackoff}, {@code ChannelPool}, {@code ConfigBounds}.
 */
package dev.runnel.sdk;
