package io.berth.layers;

import io.berth.api.storage.Snapshot;
import io.berth.api.storage.SnapshotKind;
import io.berth.testing.LoopExt4;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotStoreTest {
    @Test
    void aPublishedSnapshotIsThereWhenTheStoreOpensAgain(@TempDir Path home) throws Exception {
        SnapshotStore store = new SnapshotStore(home);
        Path work = store.workDirectory();
        Files.writeString(Files.createDirectory(work.resolve("fs")).resolve("f"), "data");
        SnapshotStore.Entry e = store.publish(work, "k", null, SnapshotKind.ACTIVE, Map.of("a", "b"));
        assertThat(work).doesNotExist();
        assertThat(e.dir().resolve("fs/f")).hasContent("data");

        Snapshot again = new SnapshotStore(home).get("k").snapshot();
        assertThat(again.kind()).isEqualTo(SnapshotKind.ACTIVE);
        assertThat(again.parent()).isNull();
        assertThat(again.labels()).containsEntry("a", "b");
        assertThat(again.created()).isEqualTo(e.snapshot().created());
    }

    /**
     * A snapshot's publication forces one commit of an ext4 journal, not two: its {@code info} is
     * written out before the rename and the directory synced after it, which one commit holds. Counted by the journal itself on an ext4 made for the test, where nothing else
     * writes; the journal's own commits (every 5 s) are allowed for.
     */
    @Test
    void aPublicationCommitsTheJournalOnce(@TempDir Path tmp) throws Exception {
        try (LoopExt4 ext4 = LoopExt4.journaled(tmp)) {
            SnapshotStore store = new SnapshotStore(ext4.root().resolve("home"));
            publish(store, "warm-up");
            int n = 20;
            long before = ext4.commits();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                publish(store, "s" + i);
            }
            long own = LoopExt4.ownCommitsWithin(System.nanoTime() - t0);
            assertThat(ext4.commits() - before).as("journal commits for %d publications", n).isBetween((long) n, n + own);
            assertThat(new SnapshotStore(ext4.root().resolve("home")).get("s19").snapshot().kind()).isEqualTo(SnapshotKind.ACTIVE);
        }
    }

    /**
     * On an ext4 without a journal, which does not order its metadata, a snapshot's info is synced
     * before its rename, as everywhere before: published, it reads back.
     */
    @Test
    void aPublicationOnAFilesystemWithoutJournalReadsBack(@TempDir Path tmp) throws Exception {
        try (LoopExt4 ext4 = LoopExt4.withoutJournal(tmp)) {
            SnapshotStore store = new SnapshotStore(ext4.root().resolve("home"));
            publish(store, "s");
            assertThat(new SnapshotStore(ext4.root().resolve("home")).get("s").snapshot().kind()).isEqualTo(SnapshotKind.ACTIVE);
        }
    }

    /**
     * A snapshot whose info cannot be read (a publication a crash cut short, where the filesystem
     * wrote the rename before the file's content) is not one: the store opens without it, moved
     * aside and deleted at the next opening; the others stay.
     */
    @Test
    void aSnapshotWithAnEmptyInfoIsSetAsideAndTheStoreOpens(@TempDir Path home) throws Exception {
        SnapshotStore store = new SnapshotStore(home);
        publish(store, "good");
        Path torn = store.get(publish(store, "torn")).dir();
        Files.write(torn.resolve("info"), new byte[0]);

        SnapshotStore again = new SnapshotStore(home);
        assertThat(again.contains("torn")).isFalse();
        assertThat(again.contains("good")).isTrue();
        assertThat(torn).doesNotExist();
        assertThat(home.resolve("tmp")).isNotEmptyDirectory();
        new SnapshotStore(home);
        assertThat(home.resolve("tmp")).isEmptyDirectory();
        // Its number is not given again.
        assertThat(again.get(publish(again, "next")).dir().getFileName().toString())
                .isEqualTo(Long.toString(Long.parseLong(torn.getFileName().toString()) + 1));
    }

    private static String publish(SnapshotStore store, String key) throws IOException {
        Path work = store.workDirectory();
        Files.createDirectory(work.resolve("fs"));
        Files.createDirectory(work.resolve("work"));
        store.publish(work, key, null, SnapshotKind.ACTIVE, Map.of());
        return key;
    }
}
