package dev.runnel.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.runnel.proto.v1.Record;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class AliasingMarshallerTest {
  private final AliasingMarshaller<Record> marshaller = AliasingMarshaller.of(Record.getDefaultInstance());

  @Test
  void bytesFieldsAreViewsOfTheOneArrayTheMessageWasReadInto() throws IOException {
    Record sent =
        Record.newBuilder()
            .setKey(ByteString.copyFromUtf8("key-1"))
            .setValue(ByteString.copyFromUtf8("a value of some length"))
            .setTimestampMs(42)
            .build();

    Record parsed = marshaller.parse(marshaller.stream(sent));

    assertEquals(sent, parsed);
    // A copied field would have an array of its own; both fields aliasing the message's array
    // share it.
    assertSame(backingArray(parsed.getKey()), backingArray(parsed.getValue()));
  }

  @Test
  void aStreamOfUnknownLengthIsReadWhole() {
    Record sent = Record.newBuilder().setValue(ByteString.copyFromUtf8("v")).build();

    Record parsed = marshaller.parse(new ByteArrayInputStream(sent.toByteArray()));

    assertEquals(sent, parsed);
  }

  @Test
  void garbageIsAnInternalErrorNotAParserException() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> marshaller.parse(new ByteArrayInputStream(new byte[] {(byte) 0xff, (byte) 0xff})));

    assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
  }

  /** The array a ByteString reads from, as protobuf hands it to a lazy writer. */
  private static byte[] backingArray(ByteString bytes) throws IOException {
    byte[][] seen = new byte[1][];
    UnsafeByteOperations.unsafeWriteTo(
        bytes,
        new ByteOutput() {
          @Override
          public void write(byte value) {
            throw new AssertionError("expected one lazy array write");
          }

          @Override
          public void write(byte[] value, int offset, int length) {
            throw new AssertionError("expected one lazy array write");
          }

          @Override
          public void writeLazy(byte[] value, int offset, int length) {
            seen[0] = value;
          }

          @Override
          public void write(ByteBuffer value) {
            throw new AssertionError("expected one lazy array write");
          }

          @Override
          public void writeLazy(ByteBuffer value) {
            throw new AssertionError("expected one lazy array write");
          }
        });
    return seen[0];
  }
}
