package dev.runnel.connect.runtime;

/** A connector's or task's state at one moment; {@code trace} is the failure, if any. */
public record StatusSnapshot(State state, String workerId, String trace, long sinceMs) {}
