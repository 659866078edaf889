package dev.runnel.connect.herder;

import dev.runnel.connect.runtime.TaskId;
import java.util.List;
import java.util.Map;

/** A connector's config and tasks; {@code type} is "source", "sink" or "unknown". */
public record ConnectorInfo(String name, Map<String, String> config, List<TaskId> tasks, String type) {}
