package dev.runnel.cli;

import java.util.List;

/** One partition's replica list before and after a planned move (decommission, rebalance). */
record ReplicaMove(String topic, int partition, List<Integer> from, List<Integer> to) {}
