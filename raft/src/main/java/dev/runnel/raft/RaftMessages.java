package dev.runnel.raft;

import com.google.protobuf.MessageLite;
import java.nio.ByteBuffer;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * Moves our (unshaded) protobuf messages in and out of Ratis' {@link Message}, which uses Ratis'
 * shaded protobuf: the bytes are wrapped, not copied.
 */
public final class RaftMessages {
  private RaftMessages() {}

  public static Message of(MessageLite message) {
    return Message.valueOf(UnsafeByteOperations.unsafeWrap(message.toByteArray()));
  }

  public static ByteBuffer bytes(Message message) {
    return message.getContent().asReadOnlyByteBuffer();
  }
}
