package io.berth.containers.internal;

import io.berth.testing.LoopExt4;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerStoreTest {
    private static String id(int i) {
        return String.format("%064x", i);
    }

    /**
     * Saving a new container, or its record again, forces no journal commit: the record is
     * written out before its rename, which the journal's next commit takes with its data. (An
     * {@code fdatasync} of each forced one: 20 for 20.) Counted on an ext4 made for the test; the
     * journal's own commits (every 5 s) are allowed for. What was saved reads back.
     */
    @Test
    void savingARecordForcesNoJournalCommit(@TempDir Path tmp) throws Exception {
        try (LoopExt4 ext4 = LoopExt4.journaled(tmp)) {
            ContainerStore store = storeWithOne(ext4);
            int n = 10;
            long before = ext4.commits();
            long t0 = System.nanoTime();
            saveTwice(store, n);
            long own = LoopExt4.ownCommitsWithin(System.nanoTime() - t0);
            assertThat(ext4.commits() - before).as("journal commits for %d records saved twice", n).isLessThanOrEqualTo(own);
            readsBack(ext4, n);
        }
    }

    /** On an ext4 without a journal, which does not order its metadata, records are synced before their rename: they read back. */
    @Test
    void recordsOnAFilesystemWithoutJournalReadBack(@TempDir Path tmp) throws Exception {
        try (LoopExt4 ext4 = LoopExt4.withoutJournal(tmp)) {
            saveTwice(storeWithOne(ext4), 3);
            readsBack(ext4, 3);
        }
    }

    /** A store on the ext4 with one container saved already. */
    private static ContainerStore storeWithOne(LoopExt4 ext4) throws Exception {
        ContainerStore store = new ContainerStore(ext4.root().resolve("containers"));
        store.add(FakeRuntime.record(id(0)), StateRecord.CREATED, Map.of());
        return store;
    }

    private static void saveTwice(ContainerStore store, int n) throws Exception {
        for (int i = 1; i <= n; i++) {
            ContainerStore.Entry e = store.add(FakeRuntime.record(id(i)), StateRecord.CREATED,
                    Map.of("hostname", "h\n".getBytes()));
            store.saveRecord(e, e.record.withName("renamed-" + i));
        }
    }

    private static void readsBack(LoopExt4 ext4, int n) throws Exception {
        ContainerStore again = new ContainerStore(ext4.root().resolve("containers"));
        again.load();
        assertThat(again.find("renamed-" + n).record.id()).isEqualTo(id(n));
        assertThat(again.find(id(n)).dir.resolve("hostname")).hasContent("h");
        assertThat(again.all()).hasSize(n + 1);
    }
}
