package dev.runnel.connect.herder;

import dev.runnel.connect.runtime.TaskId;
import java.util.Map;

/** One task and the config its connector gave it. */
public record TaskInfo(TaskId id, Map<String, String> config) {}
