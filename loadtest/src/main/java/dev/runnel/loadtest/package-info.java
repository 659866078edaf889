/**
 * Load generators that measure a Runnel cluster through the public SDK only: {@link
 * dev.runnel.loadtest.ProducePerf} (throughput and send-to-ack latency, optionally at a fixed rate
 * with coordinated-omission-corrected latency) and {@link dev.runnel.loadtest.ConsumePerf}
 * (throughput and end-to-end latency). Both are picocli commands that {@code runnel perf} mounts.
 */
package dev.runnel.loadtest;
