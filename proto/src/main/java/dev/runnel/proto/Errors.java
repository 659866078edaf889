package dev.runnel.proto;

/**
 * Constants of Runnel's error model: a failed call carries a {@code google.rpc.ErrorInfo} detail
 * in this domain whose reason is a {@link dev.runnel.proto.v1.ErrorReason} name, with the metadata
 * keys below where they apply.
 */
public final class Errors {
  public static final String DOMAIN = "runnel.dev";
  public static final String LOG_START_OFFSET = "log_start_offset";
  public static final String HIGH_WATERMARK = "high_watermark";
  public static final String MAX_MESSAGE_BYTES = "max_message_bytes";
  public static final String LEADER_ID = "leader_id";
  public static final String TOPIC = "topic";
  public static final String PARTITION = "partition";
  public static final String GROUP = "group";
  public static final String MEMBER_ID = "member_id";
  public static final String GENERATION = "generation";
  public static final String COORDINATOR_ID = "coordinator_id";
  public static final String COORDINATOR_ADDRESS = "coordinator_address";
  public static final String LIMIT = "limit";
  public static final String MEMBERS = "members";

  private Errors() {}
}
