package dev.runnel.proto;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;

/**
 * A gRPC marshaller for messages that carry big {@code bytes} fields (record batches): the message
 * is read out of the transport into one array and parsed with aliasing, so those fields are views
 * of that array instead of copies of it. gRPC's own protobuf marshaller copies each bytes field
 * once more. The array lives as long as any field of the message is referenced, which for a
 * batch is exactly as long as the batch.
 */
public final class AliasingMarshaller<T extends Message> implements MethodDescriptor.Marshaller<T> {
  private final MethodDescriptor.Marshaller<T> writer;
  private final Parser<T> parser;

  private AliasingMarshaller(T defaultInstance) {
    this.writer = ProtoUtils.marshaller(defaultInstance);
    @SuppressWarnings("unchecked")
    Parser<T> parser = (Parser<T>) defaultInstance.getParserForType();
    this.parser = parser;
  }

  public static <T extends Message> AliasingMarshaller<T> of(T defaultInstance) {
    return new AliasingMarshaller<>(defaultInstance);
  }

  @Override
  public InputStream stream(T value) {
    return writer.stream(value);
  }

  @Override
  public T parse(InputStream stream) {
    try {
      byte[] bytes;
      if (stream instanceof KnownLength) {
        // gRPC's message streams know their size: one exact array, no growing copies.
        bytes = new byte[stream.available()];
        int read = stream.readNBytes(bytes, 0, bytes.length);
        if (read != bytes.length || stream.read() != -1) {
          throw new IOException("message size changed while reading (" + read + " of " + bytes.length + " bytes)");
        }
      } else {
        bytes = stream.readAllBytes();
      }
      // Protobuf aliases only a buffer it knows to be immutable, which CodedInputStream.newInstance
      // (byte[]) does not claim: it would copy every bytes field despite enableAliasing.
      CodedInputStream in = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
      in.enableAliasing(true);
      // The transport already bounds the message size (maxInboundMessageSize).
      in.setSizeLimit(Integer.MAX_VALUE);
      return parser.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw Status.INTERNAL.withDescription("invalid protobuf message").withCause(e).asRuntimeException();
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("cannot read the message").withCause(e).asRuntimeException();
    }
  }
}
