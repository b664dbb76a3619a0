package io.berth.layers;

import io.berth.api.storage.Snapshot;
import io.berth.api.storage.SnapshotKind;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
     * holds. Counted by the journal itself ({@code /proc/fs/jbd2/DEVICE/info}) on an ext4 made for
     * the test, through a loop device, where nothing else writes; a commit of the journal's own
     * (every 5 s) is allowed for.
     */
    @Test
    void aPublicationCommitsTheJournalOnce(@TempDir Path tmp) throws Exception {
        Requirements.require(Requirements.isRoot(), "a loop-mounted ext4 needs root");
        Requirements.requireTool("mkfs.ext4", "e2fsprogs");
        Path image = tmp.resolve("ext4.img");
        Path mnt = Files.createDirectory(tmp.resolve("mnt"));
        try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(256L << 20);
        }
        run("mkfs.ext4", "-q", "-F", image.toString());
        run("mount", "-o", "loop", image.toString(), mnt.toString());
        try {
            Path jbd2 = journalInfo(run("findmnt", "-n", "-o", "SOURCE", mnt.toString()).trim());
            SnapshotStore store = new SnapshotStore(mnt.resolve("home"));
            publish(store, "warm-up");
            int n = 20;
            long before = commits(jbd2);
            for (int i = 0; i < n; i++) {
                publish(store, "s" + i);
            }
            long commits = commits(jbd2) - before;
            assertThat(commits).as("journal commits for %d publications", n).isBetween((long) n, n + 2L);
        } finally {
            run("umount", mnt.toString());
        }
    }

    private static void publish(SnapshotStore store, String key) throws IOException {
        Path work = store.workDirectory();
        Files.createDirectory(work.resolve("fs"));
        Files.createDirectory(work.resolve("work"));
        store.publish(work, key, null, SnapshotKind.ACTIVE, Map.of());
    }

    /** The journal statistics of a block device ({@code /dev/loop3}: {@code /proc/fs/jbd2/loop3-8/info}). */
    private static Path journalInfo(String device) throws IOException {
        String name = Path.of(device).getFileName().toString();
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of("/proc/fs/jbd2"), name + "-*")) {
            d.forEach(found::add);
        }
        assertThat(found).as("the journal of %s", device).hasSize(1);
        return found.get(0).resolve("info");
    }

    private static final Pattern TRANSACTIONS = Pattern.compile("^(\\d+) transactions");

    private static long commits(Path info) throws IOException {
        Matcher m = TRANSACTIONS.matcher(Files.readString(info));
        assertThat(m.find()).as("%s starts with its count of transactions", info).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }
}
