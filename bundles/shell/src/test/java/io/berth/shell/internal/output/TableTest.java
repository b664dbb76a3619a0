package io.berth.shell.internal.output;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TableTest {
    @Test
    void columnsAreAlignedAsDockersTabwriter() {
        Table t = new Table("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
        t.row("ubuntu", "14.04", "13b66b487594", "3 months ago", "197MB");
        t.row("<none>", "<none>", "4100541a8b3c", "3 minutes ago", "197MB");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        t.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "REPOSITORY   TAG       IMAGE ID       CREATED         SIZE\n"
                        + "ubuntu       14.04     13b66b487594   3 months ago    197MB\n"
                        + "<none>       <none>    4100541a8b3c   3 minutes ago   197MB\n");
    }
}
