package dev.runnel.raft;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.runnel.proto.internal.AppendBatchCommand;
import dev.runnel.proto.internal.AppendBatchesCommand;
import dev.runnel.proto.internal.PartitionCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * One or more batches on their way into their partition's Raft log, submitted on the leader as
 * one entry. Two copies of each payload are saved compared with a plain serialized {@link
 * PartitionCommand}: the entry's bytes are short serialized prefixes, each followed by a client's
 * payload itself (not copied into one array), and the leader's state machine applies the command
 * objects it was given ({@link PartitionStateMachine#startTransaction}) instead of parsing those
 * bytes again. Followers, and the leader when it replays its log, parse the bytes, which are
 * exactly the PartitionCommand's serialization: {@code append} for one batch, {@code
 * append_batches} for several.
 */
public final class AppendMessage implements Message {
  private final List<AppendBatchCommand> commands;
  private ByteString content;

  public AppendMessage(AppendBatchCommand command) {
    this(List.of(command));
  }

  /** Several batches of one partition, applied in this order, in one entry. */
  public AppendMessage(List<AppendBatchCommand> commands) {
    if (commands.isEmpty()) {
      throw new IllegalArgumentException("an append entry needs at least one batch");
    }
    this.commands = List.copyOf(commands);
  }

  List<AppendBatchCommand> commands() {
    return commands;
  }

  /** The command these bytes encode, built from the objects (payloads shared). */
  PartitionCommand command() {
    PartitionCommand.Builder command = PartitionCommand.newBuilder();
    return commands.size() == 1
        ? command.setAppend(commands.get(0)).build()
        : command.setAppendBatches(AppendBatchesCommand.newBuilder().addAllBatches(commands)).build();
  }

  @Override
  public synchronized ByteString getContent() {
    if (content == null) {
      content = serialize(commands);
    }
    return content;
  }

  /** The PartitionCommand of {@code commands} as bytes, the payloads shared, not copied. */
  static ByteString serialize(List<AppendBatchCommand> commands) {
    if (commands.size() == 1) {
      return field(PartitionCommand.APPEND_FIELD_NUMBER, commands.get(0));
    }
    ByteString batches = ByteString.EMPTY;
    for (AppendBatchCommand command : commands) {
      batches = batches.concat(field(AppendBatchesCommand.BATCHES_FIELD_NUMBER, command));
    }
    return UnsafeByteOperations.unsafeWrap(tagAndLength(PartitionCommand.APPEND_BATCHES_FIELD_NUMBER, batches.size()))
        .concat(batches);
  }

  /** Field {@code number} holding {@code command}, whose payload is shared, not copied. */
  private static ByteString field(int number, AppendBatchCommand command) {
    com.google.protobuf.ByteString payload = command.getPayload();
    AppendBatchCommand head = command.toBuilder().clearPayload().build();
    int payloadPrefixBytes =
        CodedOutputStream.computeTagSize(AppendBatchCommand.PAYLOAD_FIELD_NUMBER)
            + CodedOutputStream.computeUInt32SizeNoTag(payload.size());
    int commandBytes = head.getSerializedSize() + payloadPrefixBytes + payload.size();
    byte[] prefix =
        new byte
            [CodedOutputStream.computeTagSize(number)
                + CodedOutputStream.computeUInt32SizeNoTag(commandBytes)
                + head.getSerializedSize()
                + payloadPrefixBytes];
    CodedOutputStream out = CodedOutputStream.newInstance(prefix);
    try {
      out.writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(commandBytes);
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

  private static byte[] tagAndLength(int number, int length) {
    byte[] bytes =
        new byte[CodedOutputStream.computeTagSize(number) + CodedOutputStream.computeUInt32SizeNoTag(length)];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(length);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("sizes computed wrongly", e);
    }
    return bytes;
  }
}
