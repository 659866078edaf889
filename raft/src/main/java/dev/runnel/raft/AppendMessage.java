package dev.runnel.raft;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.runnel.proto.internal.AppendBatchCommand;
import dev.runnel.proto.internal.PartitionCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * A batch on its way into its partition's Raft log, submitted on the leader. Two copies of the
 * payload are saved compared with a plain serialized {@link PartitionCommand}: the entry's bytes
 * are a short serialized prefix followed by the client's payload itself (not copied into one
 * array), and the leader's state machine applies the command object it was given ({@link
 * PartitionStateMachine#startTransaction}) instead of parsing those bytes again. Followers, and
 * the leader when it replays its log, parse the bytes, which are exactly the PartitionCommand's
 * serialization.
 */
public final class AppendMessage implements Message {
  private final AppendBatchCommand command;
  private ByteString content;

  public AppendMessage(AppendBatchCommand command) {
    this.command = command;
  }

  AppendBatchCommand command() {
    return command;
  }

  @Override
  public synchronized ByteString getContent() {
    if (content == null) {
      content = serialize(command);
    }
    return content;
  }

  /** {@code PartitionCommand{append: command}} as bytes, the payload shared, not copied. */
  static ByteString serialize(AppendBatchCommand command) {
    com.google.protobuf.ByteString payload = command.getPayload();
    AppendBatchCommand head = command.toBuilder().clearPayload().build();
    int payloadPrefixBytes =
        CodedOutputStream.computeTagSize(AppendBatchCommand.PAYLOAD_FIELD_NUMBER)
            + CodedOutputStream.computeUInt32SizeNoTag(payload.size());
    int appendBytes = head.getSerializedSize() + payloadPrefixBytes + payload.size();
    byte[] prefix =
        new byte
            [CodedOutputStream.computeTagSize(PartitionCommand.APPEND_FIELD_NUMBER)
                + CodedOutputStream.computeUInt32SizeNoTag(appendBytes)
                + head.getSerializedSize()
                + payloadPrefixBytes];
    CodedOutputStream out = CodedOutputStream.newInstance(prefix);
    try {
      out.writeTag(PartitionCommand.APPEND_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(appendBytes);
      head.writeTo(out);
      // Fields may come in any order; the payload goes last so that it can follow as it is.
      out.writeTag(AppendBatchCommand.PAYLOAD_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(payload.size());
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("sizes computed wrongly", e);
    }
    return UnsafeByteOperations.unsafeWrap(prefix).concat(UnsafeByteOperations.unsafeWrap(payload.asReadOnlyByteBuffer()));
  }
}
