package io.berth.layers;

import io.berth.api.storage.Snapshot;
import io.berth.api.storage.SnapshotKind;
import io.berth.testing.LoopExt4;
import io.berth.testing.Requirements;
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
     * written out before the rename and synced with its directory after it, which one commit
     * holds. Counted by the journal itself on an ext4 made for the test, where nothing else
     * writes; a commit of the journal's own (every 5 s) is allowed for.
     */
    @Test
    void aPublicationCommitsTheJournalOnce(@TempDir Path tmp) throws Exception {
        Requirements.require(Requirements.isRoot(), "a loop-mounted ext4 needs root");
        Requirements.requireTool("mkfs.ext4", "e2fsprogs");
        try (LoopExt4 ext4 = LoopExt4.journaled(tmp)) {
            SnapshotStore store = new SnapshotStore(ext4.root().resolve("home"));
            publish(store, "warm-up");
            int n = 20;
            long before = ext4.commits();
            for (int i = 0; i < n; i++) {
                publish(store, "s" + i);
            }
            assertThat(ext4.commits() - before).as("journal commits for %d publications", n).isBetween((long) n, n + 2L);
            assertThat(new SnapshotStore(ext4.root().resolve("home")).get("s19").snapshot().kind()).isEqualTo(SnapshotKind.ACTIVE);
        }
    }

    /**
     * On an ext4 without a journal, which does not order its metadata, a snapshot's info is synced
     * before its rename, as everywhere before: published, it reads back.
     */
    @Test
    void aPublicationOnAFilesystemWithoutJournalReadsBack(@TempDir Path tmp) throws Exception {
        Requirements.require(Requirements.isRoot(), "a loop-mounted ext4 needs root");
        Requirements.requireTool("mkfs.ext4", "e2fsprogs");
        try (LoopExt4 ext4 = LoopExt4.withoutJournal(tmp)) {
            SnapshotStore store = new SnapshotStore(ext4.root().resolve("home"));
            publish(store, "s");
            assertThat(new SnapshotStore(ext4.root().resolve("home")).get("s").snapshot().kind()).isEqualTo(SnapshotKind.ACTIVE);
        }
    }

    private static void publish(SnapshotStore store, String key) throws IOException {
        Path work = store.workDirectory();
        Files.createDirectory(work.resolve("fs"));
        Files.createDirectory(work.resolve("work"));
        store.publish(work, key, null, SnapshotKind.ACTIVE, Map.of());
    }
}
