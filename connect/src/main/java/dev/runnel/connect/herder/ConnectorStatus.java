package dev.runnel.connect.herder;

import dev.runnel.connect.runtime.StatusSnapshot;
import java.util.Map;

/** The connector's status and each task's, by task number. */
public record ConnectorStatus(String name, StatusSnapshot connector, Map<Integer, StatusSnapshot> tasks, String type) {}
