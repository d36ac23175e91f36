package io.kvstore;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** Helpers for the CompletionStages that Akka's Java APIs hand out. */
public final class Stages {
  private Stages() {}

  /**
   * A plain CompletableFuture that completes when {@code stage} does, on the completing thread.
   *
   * <p>Akka's stages come from Scala's future converters, whose {@code thenApply} and friends run
   * asynchronously on the default executor; with fewer than three cores that executor starts a new
   * thread per task, which cut throughput tenfold here. Callbacks on the returned future run
   * directly, like those on any CompletableFuture.
   */
  public static <T> CompletableFuture<T> direct(CompletionStage<T> stage) {
    CompletableFuture<T> direct = new CompletableFuture<>();
    stage.whenCompleteAsync(
        (value, failure) -> {
          if (failure != null) {
            direct.completeExceptionally(failure);
          } else {
            direct.complete(value);
          }
        },
        Runnable::run);
    return direct;
  }

  /** The failure a stage's callback sees, without the CompletionException wrappers around it. */
  public static Throwable cause(Throwable failure) {
    Throwable current = failure;
    while (current instanceof CompletionException && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
