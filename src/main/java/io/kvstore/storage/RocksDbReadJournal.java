package io.kvstore.storage;

import akka.NotUsed;
import akka.actor.ExtendedActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.PersistentRepr;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.Offset;
import akka.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import akka.persistence.query.javadsl.ReadJournal;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.stream.javadsl.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Akka Persistence Query over the RocksDB journal. Only the finite query is offered for now: the
 * retained events of one key are its version history.
 */
public final class RocksDbReadJournal implements ReadJournal, CurrentEventsByPersistenceIdQuery {
  /** The query plugin's configuration path, for {@code PersistenceQuery.getReadJournalFor}. */
  public static final String IDENTIFIER = "kvstore.storage.query";

  private final RocksDbStorage storage;
  private final Serialization serialization;

  RocksDbReadJournal(ExtendedActorSystem system) {
    this.storage = RocksDbStorage.get(Adapter.toTyped(system));
    this.serialization = SerializationExtension.get(system);
  }

  @Override
  public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(
      String persistenceId, long fromSequenceNr, long toSequenceNr) {
    return Source.lazySource(
            () -> {
              OptionalLong id = storage.persistenceIds().find(persistenceId);
              List<EventEnvelope> events = new ArrayList<>();
              if (id.isPresent()) {
                RocksDbJournal.forEachEvent(
                    storage,
                    serialization,
                    id.getAsLong(),
                    fromSequenceNr,
                    toSequenceNr,
                    Long.MAX_VALUE,
                    repr -> events.add(envelope(repr)));
              }
              return Source.from(events);
            })
        .mapMaterializedValue(ignored -> NotUsed.getInstance());
  }

  private static EventEnvelope envelope(PersistentRepr repr) {
    return EventEnvelope.apply(
        Offset.sequence(repr.sequenceNr()),
        repr.persistenceId(),
        repr.sequenceNr(),
        repr.payload(),
        repr.timestamp());
  }

  /** Instantiated by Akka from the {@code class} setting of {@link #IDENTIFIER}. */
  public static final class Provider implements akka.persistence.query.ReadJournalProvider {
    private final RocksDbReadJournal journal;

    public Provider(ExtendedActorSystem system) {
      this.journal = new RocksDbReadJournal(system);
    }

    @Override
    public ReadJournal javadslReadJournal() {
      return journal;
    }

    /** kvstore offers its queries to Java only; Akka still asks for a Scala handle. */
    @Override
    public akka.persistence.query.scaladsl.ReadJournal scaladslReadJournal() {
      return new akka.persistence.query.scaladsl.ReadJournal() {};
    }
  }
}
