package dev.runnel.raft;

import dev.runnel.proto.internal.AppendRefusal;
import dev.runnel.storage.CorruptBatchException;
import dev.runnel.storage.OutOfOrderSequenceException;
import dev.runnel.storage.ProducerFencedException;
import dev.runnel.storage.StorageException;

/**
 * A batch of a coalesced entry that the log refused, carried from the state machine back to the
 * produce request as data (the other batches of the entry succeed), and turned back into the
 * exception a single-batch entry fails with, so callers map both alike.
 */
final class AppendRefusals {
  private AppendRefusals() {}

  static AppendRefusal of(StorageException refused) {
    AppendRefusal.Kind kind;
    if (refused instanceof OutOfOrderSequenceException) {
      kind = AppendRefusal.Kind.OUT_OF_ORDER_SEQUENCE;
    } else if (refused instanceof ProducerFencedException) {
      kind = AppendRefusal.Kind.PRODUCER_FENCED;
    } else if (refused instanceof CorruptBatchException) {
      kind = AppendRefusal.Kind.CORRUPT_BATCH;
    } else {
      throw new IllegalArgumentException("not a per-batch refusal: " + refused);
    }
    return AppendRefusal.newBuilder().setKind(kind).setMessage(String.valueOf(refused.getMessage())).build();
  }

  static StorageException toException(AppendRefusal refusal) {
    return switch (refusal.getKind()) {
      case OUT_OF_ORDER_SEQUENCE -> new OutOfOrderSequenceException(refusal.getMessage());
      case PRODUCER_FENCED -> new ProducerFencedException(refusal.getMessage());
      case CORRUPT_BATCH -> new CorruptBatchException(refusal.getMessage());
      default -> new StorageException("batch refused (" + refusal.getKind() + "): " + refusal.getMessage());
    };
  }
}
